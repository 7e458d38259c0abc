#include "pbf.hpp"

#include "diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace sel4_bindgen::pbf {

namespace {

struct Token {
    enum class Kind { identifier, integer, punct, end } kind;
    std::string text;
    std::uint64_t value = 0;
    int line = 0;
};

std::string describe(const Token &token) {
    switch (token.kind) {
    case Token::Kind::end:
        return "end of file";
    case Token::Kind::integer:
        return "integer " + token.text;
    case Token::Kind::identifier:
        return "'" + token.text + "'";
    case Token::Kind::punct:
        break;
    }
    return "'" + token.text + "'";
}

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Integer literals as seL4's bitfield language writes them: decimal, 0x hex, 0o or 0-prefixed
// octal, 0b binary, with an optional l/L suffix.
std::optional<std::uint64_t> parse_integer(const std::string &literal) {
    std::string digits = literal;
    if (!digits.empty() && (digits.back() == 'l' || digits.back() == 'L'))
        digits.pop_back();
    int radix = 10;
    std::size_t skip = 0;
    if (digits.size() > 1 && digits[0] == '0') {
        char marker = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[1])));
        if (marker == 'x')
            radix = 16, skip = 2;
        else if (marker == 'b')
            radix = 2, skip = 2;
        else if (marker == 'o')
            radix = 8, skip = 2;
        else
            radix = 8, skip = 1;
    }
    if (skip >= digits.size())
        return std::nullopt;
    std::uint64_t value = 0;
    const char *first = digits.data() + skip;
    const char *last = digits.data() + digits.size();
    auto [end, error] = std::from_chars(first, last, value, radix);
    if (error != std::errc() || end != last)
        return std::nullopt;
    return value;
}

std::vector<Token> tokenize(const std::string &text, const std::string &path) {
    std::vector<Token> tokens;
    int line = 1;
    std::size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (c == '\n') {
            ++line, ++i;
        } else if (c == ' ' || c == '\t' || c == '\r') {
            ++i;
        } else if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
            while (i < text.size() && text[i] != '\n')
                ++i;
        } else if (c == '#') {
            // seL4's build runs the C preprocessor over .bf files; an installed .pbf has none left.
            throw InputError(path, line, "preprocessor directive in a .pbf file (expected the preprocessed form)");
        } else if (is_ident_start(c)) {
            std::size_t start = i;
            while (i < text.size() && is_ident_char(text[i]))
                ++i;
            tokens.push_back({Token::Kind::identifier, text.substr(start, i - start), 0, line});
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            std::size_t start = i;
            while (i < text.size() && is_ident_char(text[i]))
                ++i;
            std::string literal = text.substr(start, i - start);
            auto value = parse_integer(literal);
            if (!value)
                throw InputError(path, line, "malformed integer '" + literal + "'");
            tokens.push_back({Token::Kind::integer, literal, *value, line});
        } else if (std::string_view("{}(),").find(c) != std::string_view::npos) {
            tokens.push_back({Token::Kind::punct, std::string(1, c), 0, line});
            ++i;
        } else if (std::string_view("+-*/%").find(c) != std::string_view::npos) {
            throw InputError(path, line, std::string("integer expressions ('") + c + "') are not supported");
        } else {
            char shown[8];
            std::snprintf(shown, sizeof shown, std::isprint(static_cast<unsigned char>(c)) ? "'%c'" : "0x%02x",
                          static_cast<unsigned char>(c));
            throw InputError(path, line, std::string("unexpected character ") + shown);
        }
    }
    tokens.push_back({Token::Kind::end, "", 0, line});
    return tokens;
}

const std::set<std::string> keywords = {"base",    "block",        "field", "field_high", "field_ptr",
                                        "padding", "tagged_union", "tag",   "mask"};

// A declaration as written, before the layout is computed.
struct RawField {
    std::optional<std::string> name; // empty for padding
    std::uint64_t size;
    bool high;
    int line;
};

class Parser {
public:
    Parser(const std::string &text, const std::string &path) : path_(path), tokens_(tokenize(text, path)) {}

    File parse() {
        File file;
        file.path = path_;
        std::optional<Base> base;
        while (peek().kind != Token::Kind::end) {
            const Token &keyword = next();
            if (is_keyword(keyword, "base")) {
                base = parse_base(keyword.line);
            } else if (is_keyword(keyword, "block")) {
                if (!base)
                    fail(keyword.line, "block before any 'base' line");
                file.blocks.push_back(parse_block(*base, keyword.line));
            } else if (is_keyword(keyword, "tagged_union")) {
                if (!base)
                    fail(keyword.line, "tagged_union before any 'base' line");
                file.unions.push_back(parse_union(*base, keyword.line));
            } else if (keyword.kind == Token::Kind::identifier && keywords.contains(keyword.text)) {
                fail(keyword.line, "'" + keyword.text + "' outside a block");
            } else {
                fail(keyword.line, "expected 'base', 'block' or 'tagged_union', found " + describe(keyword));
            }
        }
        check_names(file);
        for (TaggedUnion &tagged_union : file.unions)
            resolve_union(file, tagged_union);
        return file;
    }

private:
    [[noreturn]] void fail(int line, const std::string &what) const { throw InputError(path_, line, what); }

    const Token &peek() const { return tokens_[position_]; }
    const Token &next() {
        const Token &token = tokens_[position_];
        if (token.kind != Token::Kind::end)
            ++position_;
        return token;
    }
    static bool is_keyword(const Token &token, const char *word) {
        return token.kind == Token::Kind::identifier && token.text == word;
    }
    bool accept_punct(char c) {
        if (peek().kind == Token::Kind::punct && peek().text[0] == c) {
            next();
            return true;
        }
        return false;
    }
    void expect_punct(char c) {
        if (!accept_punct(c))
            fail(peek().line, std::string("expected '") + c + "', found " + describe(peek()));
    }
    std::string expect_name(const char *what) {
        const Token &token = next();
        if (token.kind != Token::Kind::identifier)
            fail(token.line, std::string("expected ") + what + ", found " + describe(token));
        if (keywords.contains(token.text))
            fail(token.line, std::string("expected ") + what + ", found keyword '" + token.text + "'");
        return token.text;
    }
    std::uint64_t expect_integer(const char *what) {
        const Token &token = next();
        if (token.kind != Token::Kind::integer)
            fail(token.line, std::string("expected ") + what + " (an integer), found " + describe(token));
        return token.value;
    }

    Base parse_base(int line) {
        Base base;
        std::uint64_t bits = expect_integer("word size");
        std::uint64_t canonical = bits;
        std::uint64_t sign_extend = 0;
        if (accept_punct('(')) {
            canonical = expect_integer("canonical bits");
            expect_punct(',');
            sign_extend = expect_integer("sign extension flag");
            expect_punct(')');
        }
        if (bits != 32 && bits != 64)
            fail(line, "base must be 32 or 64, not " + std::to_string(bits));
        if (canonical == 0 || canonical > bits)
            fail(line, "canonical bits must be between 1 and " + std::to_string(bits) + ", not " +
                           std::to_string(canonical));
        if (sign_extend > 1)
            fail(line, "sign extension flag must be 0 or 1, not " + std::to_string(sign_extend));
        base.bits = static_cast<unsigned>(bits);
        base.canonical_bits = static_cast<unsigned>(canonical);
        base.sign_extend = sign_extend == 1;
        return base;
    }

    Block parse_block(const Base &base, int line) {
        Block block;
        block.line = line;
        block.base = base;
        block.name = expect_name("block name");
        std::optional<std::vector<std::pair<std::string, int>>> visible_order;
        if (accept_punct('(')) {
            visible_order.emplace();
            if (!accept_punct(')')) {
                do {
                    int name_line = peek().line;
                    visible_order->emplace_back(expect_name("field name"), name_line);
                } while (accept_punct(','));
                expect_punct(')');
            }
        }
        expect_punct('{');
        std::vector<RawField> raw;
        while (!accept_punct('}')) {
            const Token &keyword = next();
            if (is_keyword(keyword, "field") || is_keyword(keyword, "field_high")) {
                std::string name = expect_name("field name");
                std::uint64_t size = expect_integer("field size");
                raw.push_back({name, size, keyword.text == "field_high", keyword.line});
            } else if (is_keyword(keyword, "padding")) {
                raw.push_back({std::nullopt, expect_integer("padding size"), false, keyword.line});
            } else if (is_keyword(keyword, "field_ptr")) {
                fail(keyword.line, "'field_ptr' is not supported (libsel4's interface files do not use it)");
            } else if (keyword.kind == Token::Kind::end) {
                fail(keyword.line, "block '" + block.name + "' is not closed (missing '}')");
            } else {
                fail(keyword.line, "expected 'field', 'field_high', 'padding' or '}', found " + describe(keyword));
            }
        }
        lay_out(block, raw);
        if (visible_order)
            set_param_order(block, *visible_order);
        return block;
    }

    // Fields fill the block from its most significant bit downwards (see pbf.hpp).
    void lay_out(Block &block, const std::vector<RawField> &raw) {
        // Sizes are bounded before summing so that the total cannot overflow.
        constexpr std::uint64_t max_block_bits = 1u << 20;
        std::uint64_t total = 0;
        for (const RawField &f : raw) {
            if (f.name && f.size == 0)
                fail(f.line, "field '" + *f.name + "' has size 0");
            if (f.size > max_block_bits || (total += f.size) > max_block_bits)
                fail(f.line, "block '" + block.name + "' is larger than " + std::to_string(max_block_bits) + " bits");
        }
        const unsigned bits = block.base.bits;
        if (total % bits != 0)
            fail(block.line, "block '" + block.name + "' has " + std::to_string(total) +
                                 " bits, not a multiple of the base (" + std::to_string(bits) + ")");
        block.size_bits = static_cast<unsigned>(total);
        unsigned offset = block.size_bits;
        std::set<std::string> seen;
        for (const RawField &f : raw) {
            offset -= static_cast<unsigned>(f.size);
            if (!f.name)
                continue;
            Field field{*f.name, offset, static_cast<unsigned>(f.size), f.high, f.line};
            if (!seen.insert(field.name).second)
                fail(f.line, "field '" + field.name + "' appears twice in block '" + block.name + "'");
            if (offset / bits != (offset + field.size - 1) / bits)
                fail(f.line, "field '" + field.name + "' of block '" + block.name + "' crosses a word boundary (bits " +
                                 std::to_string(offset) + ".." + std::to_string(offset + field.size - 1) + ")");
            if (field.high && field.size > block.base.canonical_bits)
                fail(f.line, "field_high '" + field.name + "' is wider than the canonical bits (" +
                                 std::to_string(block.base.canonical_bits) + ")");
            block.fields.push_back(field);
            block.param_order.push_back(field.name);
        }
    }

    void set_param_order(Block &block, const std::vector<std::pair<std::string, int>> &order) {
        std::vector<std::string> names;
        for (const auto &[name, line] : order) {
            if (!block.find(name))
                fail(line, "visible order names '" + name + "', which is not a field of block '" + block.name + "'");
            if (std::find(names.begin(), names.end(), name) != names.end())
                fail(line, "visible order names '" + name + "' twice");
            names.push_back(name);
        }
        for (const Field &field : block.fields)
            if (std::find(names.begin(), names.end(), field.name) == names.end())
                fail(block.line, "visible order of block '" + block.name + "' leaves out field '" + field.name + "'");
        block.param_order = names;
    }

    TaggedUnion parse_union(const Base &base, int line) {
        TaggedUnion tagged_union;
        tagged_union.line = line;
        tagged_union.base = base;
        tagged_union.name = expect_name("union name");
        tagged_union.tag_field = expect_name("tag field name");
        if (peek().kind == Token::Kind::punct && peek().text == "(")
            fail(peek().line, "sliced tags ('(...)' after the tag field) are not supported");
        expect_punct('{');
        while (!accept_punct('}')) {
            const Token &keyword = next();
            if (is_keyword(keyword, "tag")) {
                Tag tag;
                tag.line = keyword.line;
                tag.name = expect_name("variant name");
                if (peek().kind == Token::Kind::punct && peek().text == "(")
                    fail(peek().line, "multi-part tag values are not supported");
                tag.value = expect_integer("tag value");
                tagged_union.tags.push_back(tag);
            } else if (is_keyword(keyword, "mask")) {
                fail(keyword.line, "'mask' (variable-width tags) is not supported");
            } else if (keyword.kind == Token::Kind::end) {
                fail(keyword.line, "tagged_union '" + tagged_union.name + "' is not closed (missing '}')");
            } else {
                fail(keyword.line, "expected 'tag' or '}', found " + describe(keyword));
            }
        }
        return tagged_union;
    }

    void check_names(const File &file) const {
        std::map<std::string, int> seen;
        auto claim = [&](const std::string &name, int line) {
            auto [it, fresh] = seen.emplace(name, line);
            if (!fresh)
                fail(line, "'" + name + "' is already defined at line " + std::to_string(it->second));
        };
        for (const Block &block : file.blocks)
            claim(block.name, block.line);
        for (const TaggedUnion &tagged_union : file.unions)
            claim(tagged_union.name, tagged_union.line);
    }

    // Every variant must agree on size and on where the tag is, so the tag can be read first.
    void resolve_union(const File &file, TaggedUnion &u) const {
        if (u.tags.empty())
            fail(u.line, "tagged_union '" + u.name + "' has no tags");
        std::map<std::string, int> names;
        std::map<std::uint64_t, std::string> values;
        bool first = true;
        for (const Tag &tag : u.tags) {
            if (!names.emplace(tag.name, tag.line).second)
                fail(tag.line, "tag '" + tag.name + "' appears twice in tagged_union '" + u.name + "'");
            if (auto [it, fresh] = values.emplace(tag.value, tag.name); !fresh)
                fail(tag.line, "tag '" + tag.name + "' has the same value (" + std::to_string(tag.value) + ") as '" +
                                   it->second + "'");
            const Block *block = file.find_block(tag.name);
            if (!block)
                fail(tag.line, "tag '" + tag.name + "' names no block in this file");
            if (block->base.bits != u.base.bits || block->base.canonical_bits != u.base.canonical_bits ||
                block->base.sign_extend != u.base.sign_extend)
                fail(tag.line, "block '" + tag.name + "' has a different base from tagged_union '" + u.name + "'");
            const Field *tag_field = block->find(u.tag_field);
            if (!tag_field)
                fail(tag.line, "block '" + tag.name + "' has no tag field '" + u.tag_field + "'");
            if (tag_field->high)
                fail(tag_field->line, "tag field '" + u.tag_field + "' of block '" + tag.name + "' is a field_high");
            if (first) {
                u.size_bits = block->size_bits;
                u.tag_offset = tag_field->offset;
                u.tag_size = tag_field->size;
                first = false;
            } else if (block->size_bits != u.size_bits) {
                fail(tag.line, "block '" + tag.name + "' has " + std::to_string(block->size_bits) +
                                   " bits, other variants of '" + u.name + "' have " + std::to_string(u.size_bits));
            } else if (tag_field->offset != u.tag_offset || tag_field->size != u.tag_size) {
                fail(tag.line, "tag field of block '" + tag.name + "' is not where the other variants of '" + u.name +
                                   "' have it");
            }
            if (u.tag_size < 64 && tag.value >> u.tag_size != 0)
                fail(tag.line, "tag value " + std::to_string(tag.value) + " does not fit in " +
                                   std::to_string(u.tag_size) + " bits");
        }
    }

    std::string path_;
    std::vector<Token> tokens_;
    std::size_t position_ = 0;
};

} // namespace

const Field *Block::find(const std::string &field_name) const {
    for (const Field &field : fields)
        if (field.name == field_name)
            return &field;
    return nullptr;
}

const Block *File::find_block(const std::string &name) const {
    for (const Block &block : blocks)
        if (block.name == name)
            return &block;
    return nullptr;
}

bool File::is_variant(const std::string &block_name) const {
    for (const TaggedUnion &tagged_union : unions)
        for (const Tag &tag : tagged_union.tags)
            if (tag.name == block_name)
                return true;
    return false;
}

File parse(const std::string &text, const std::string &path) { return Parser(text, path).parse(); }

File load(const std::string &path) { return parse(read_text_file(path), path); }

} // namespace sel4_bindgen::pbf
