// The declarations of preprocessed C headers that constants come from: enum definitions
// (enumerator values worked out as C does), typedefs of integer types (for casts and sizeof),
// and structs named by a typedef (their members kept as tokens, read by word_fields). Every
// other declaration, function definitions included, is skipped.
#pragma once

#include "c_expression.hpp"
#include "c_lexer.hpp"

#include <map>
#include <span>
#include <string>
#include <vector>

namespace sel4_bindgen::c {

struct Enumerator {
    std::string name;
    Value value;
    int line;
};

struct Enum {
    std::string name; // the typedef name, else the tag, else empty
    std::string file;
    int line;
    std::vector<Enumerator> enumerators;
};

struct StructDefinition {
    std::string name; // the typedef name
    std::string file;
    int line;
    std::vector<Token> body; // between the braces
};

class DeclarationReader {
public:
    explicit DeclarationReader(DataModel model) : model_(model) {}

    // Reads the declarations of preprocessed tokens; may be called again with what follows.
    // Throws InputError at an enum it cannot evaluate or at unbalanced brackets.
    void read(std::span<const Token> tokens);

    const std::vector<Enum> &enums() const { return enums_; }
    const std::vector<StructDefinition> &structs() const { return structs_; }

    // For evaluating expressions with the enumerators and integer typedefs read so far.
    Environment environment() const { return {model_, false, &constants_, &typedefs_}; }

private:
    void read_enum(std::span<const Token> tokens, std::size_t open, Enum &definition);

    DataModel model_;
    std::vector<Enum> enums_;
    std::vector<StructDefinition> structs_;
    std::map<std::string, Value> constants_;
    std::map<std::string, std::string> constant_origins_; // name -> file:line
    std::map<std::string, IntType> typedefs_;
};

// The member names of a struct whose members are all declared `type a, b, ...;`; throws
// InputError naming the struct and line at any other member declaration.
std::vector<std::string> word_fields(const StructDefinition &definition, const std::string &type);

} // namespace sel4_bindgen::c
