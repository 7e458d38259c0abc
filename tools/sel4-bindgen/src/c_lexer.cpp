#include "c_lexer.hpp"

#include "diagnostics.hpp"

#include <array>
#include <cctype>
#include <string_view>

namespace sel4_bindgen::c {

namespace {

// Longest first, so that the first match is the longest.
constexpr std::array<std::string_view, 23> punctuators = {
    "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=",
    "&&",  "||",  "*=",  "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##"};

bool identifier_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

class Lexer {
public:
    Lexer(const std::string &text, const std::string &file) : file_(std::make_shared<const std::string>(file)) {
        // Translation phase 2: join lines ending in a backslash, keeping each character's line.
        int line = 1;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\\' && (text.compare(i + 1, 1, "\n") == 0 || text.compare(i + 1, 2, "\r\n") == 0)) {
                i += text[i + 1] == '\r' ? 2 : 1;
                ++line;
                continue;
            }
            source_ += text[i];
            lines_.push_back(line);
            if (text[i] == '\n')
                ++line;
        }
        lines_.push_back(line);
    }

    std::vector<Token> run() {
        std::vector<Token> tokens;
        bool line_start = true;
        bool space = false;
        while (position_ < source_.size()) {
            char c = source_[position_];
            if (c == '\n') {
                line_start = true;
                space = false;
                ++position_;
            } else if (std::isspace(static_cast<unsigned char>(c))) {
                space = true;
                ++position_;
            } else if (source_.compare(position_, 2, "//") == 0) {
                while (position_ < source_.size() && source_[position_] != '\n')
                    ++position_;
            } else if (source_.compare(position_, 2, "/*") == 0) {
                // A comment is one space, even across lines: the logical line goes on.
                std::size_t end = source_.find("*/", position_ + 2);
                if (end == std::string::npos)
                    fail(position_, "unterminated comment");
                position_ = end + 2;
                space = true;
            } else {
                Token token{TokenKind::Punctuator, "", file_, lines_[position_], line_start, space, {}};
                token.kind = scan(token.text);
                tokens.push_back(std::move(token));
                line_start = false;
                space = false;
            }
        }
        return tokens;
    }

private:
    [[noreturn]] void fail(std::size_t at, const std::string &what) const { throw InputError(*file_, lines_[at], what); }

    TokenKind scan(std::string &text) {
        std::size_t start = position_;
        char c = source_[position_];
        TokenKind kind;
        if (identifier_start(c)) {
            while (position_ < source_.size() && identifier_char(source_[position_]))
                ++position_;
            kind = TokenKind::Identifier;
        } else if (digit(c) || (c == '.' && position_ + 1 < source_.size() && digit(source_[position_ + 1]))) {
            ++position_;
            while (position_ < source_.size()) {
                char d = source_[position_];
                char previous = source_[position_ - 1];
                if ((d == '+' || d == '-') && (previous == 'e' || previous == 'E' || previous == 'p' || previous == 'P'))
                    ++position_;
                else if (identifier_char(d) || d == '.')
                    ++position_;
                else
                    break;
            }
            kind = TokenKind::Number;
        } else if (c == '"' || c == '\'') {
            ++position_;
            for (;;) {
                if (position_ >= source_.size() || source_[position_] == '\n')
                    fail(start, c == '"' ? "unterminated string literal" : "unterminated character literal");
                char d = source_[position_++];
                if (d == '\\' && position_ < source_.size() && source_[position_] != '\n')
                    ++position_;
                else if (d == c)
                    break;
            }
            kind = c == '"' ? TokenKind::String : TokenKind::Character;
        } else {
            std::size_t length = 1;
            for (std::string_view p : punctuators)
                if (source_.compare(position_, p.size(), p) == 0) {
                    length = p.size();
                    break;
                }
            position_ += length;
            kind = TokenKind::Punctuator;
        }
        text = source_.substr(start, position_ - start);
        return kind;
    }

    std::shared_ptr<const std::string> file_;
    std::string source_;
    std::vector<int> lines_; // the physical line of each character of source_ (and one past the end)
    std::size_t position_ = 0;
};

} // namespace

std::vector<Token> lex(const std::string &text, const std::string &file) { return Lexer(text, file).run(); }

std::string spelling(std::span<const Token> tokens) {
    std::string text;
    for (const Token &token : tokens)
        text += (!text.empty() && token.space_before ? " " : "") + token.text;
    return text;
}

} // namespace sel4_bindgen::c
