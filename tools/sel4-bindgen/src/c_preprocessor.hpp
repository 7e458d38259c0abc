// A C preprocessor for libsel4's headers: #if/#ifdef/#ifndef/#elif/#else/#endif with
// defined, #define/#undef of object-like and function-like macros (with # and ##, expanded as
// C does: arguments first, then rescanning, a macro never inside its own expansion),
// #include <...> and "..." under one include directory ("..." beside the including file
// first; once per file with #pragma once), #error and #pragma. It does not support variadic
// macros or computed includes; a directive it does not know is an error.
#pragma once

#include "c_expression.hpp"
#include "c_lexer.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sel4_bindgen::c {

struct Macro {
    bool function_like = false;
    std::vector<std::string> parameters;
    std::vector<Token> body;
    std::string file; // where it was defined
    int line = 0;
};

// A file to read: its text and the path that messages name.
struct SourceFile {
    std::string path;
    std::string text;
};

// Opens a file by its path relative to the include directory; nullopt when there is none.
using FileSource = std::function<std::optional<SourceFile>(const std::string &relative)>;

// The files under `include_dir`.
FileSource directory_source(const std::string &include_dir);

class Preprocessor {
public:
    Preprocessor(FileSource source, DataModel model) : source_(std::move(source)), model_(model) {}

    // Defines NAME as the tokens of `body` before any file is read; `origin` names where the
    // definition comes from, for messages.
    void predefine(const std::string &name, const std::string &body, const std::string &origin);

    // Treats the file as included already: its content is provided otherwise (by predefine).
    void provide(const std::string &relative) { once_.insert(relative); }

    // Reads the file and, where it says so, the files it includes. Returns the tokens of its
    // active text lines with macros expanded as they were defined at that point.
    std::vector<Token> read(const std::string &relative);

    const std::map<std::string, Macro> &macros() const { return macros_; }

    // Expands `tokens` with the macros as they are now.
    std::vector<Token> expand(std::vector<Token> tokens) const;

    // Every file read, in the order it was first opened: its relative path and its path.
    const std::vector<std::pair<std::string, std::string>> &files() const { return files_; }

private:
    struct Conditional {
        bool parent_active; // whether the enclosing region is active
        bool taken;         // whether a branch has been active (no later one can be)
        bool active;
        bool seen_else;
        int line;
    };

    // False when the file does not exist.
    bool read_file(const std::string &relative, std::vector<Token> &out, int depth);
    void define(std::span<const Token> tokens, const Token &directive);
    bool condition(std::span<const Token> tokens, const Token &directive) const;
    std::vector<Token> substitute(const Macro &macro, const std::vector<std::vector<Token>> &arguments,
                                  const std::set<std::string> &hide, const Token &at) const;

    FileSource source_;
    DataModel model_;
    std::map<std::string, Macro> macros_;
    std::set<std::string> once_;
    std::vector<std::pair<std::string, std::string>> files_;
    std::set<std::string> opened_;
};

} // namespace sel4_bindgen::c
