// Tokens of C source text, as the C preprocessor sees them (pp-tokens), for reading
// libsel4's headers. Comments are dropped, backslash-newline splices are joined, and each
// token remembers where it came from and whether it starts a line (for directives).
#pragma once

#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

namespace sel4_bindgen::c {

enum class TokenKind {
    Identifier,
    Number,      // a pp-number: 12, 0x1fUL, 1.5e3 (whether it is a valid integer is decided later)
    Character,   // 'x', with its quotes
    String,      // "x", with its quotes
    Punctuator,  // longest match: <<=, ##, ->, ...; any other character stands alone
    Placemarker, // an empty macro argument next to ##, while a macro is expanded
};

struct Token {
    TokenKind kind;
    std::string text;
    std::shared_ptr<const std::string> file; // the path the token was read from
    int line = 0;
    bool line_start = false;   // the first token of a logical line
    bool space_before = false; // white space (or a comment) before it on its line
    std::set<std::string> hide; // macros whose expansion produced it (not expanded again)

    bool is(const char *punctuator) const { return kind == TokenKind::Punctuator && text == punctuator; }
    bool is_identifier(const char *name) const { return kind == TokenKind::Identifier && text == name; }
};

// Throws InputError(file, line, ...) for an unterminated comment, string or character literal.
std::vector<Token> lex(const std::string &text, const std::string &file);

// The tokens as source text: one space where the source had white space between them.
std::string spelling(std::span<const Token> tokens);

} // namespace sel4_bindgen::c
