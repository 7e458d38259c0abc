#include "c_declarations.hpp"

#include "diagnostics.hpp"

#include <optional>
#include <set>

namespace sel4_bindgen::c {

namespace {

[[noreturn]] void fail(const Token &at, const std::string &what) { throw InputError(*at.file, at.line, what); }

bool opens(const Token &token) { return token.is("(") || token.is("[") || token.is("{"); }
bool closes(const Token &token) { return token.is(")") || token.is("]") || token.is("}"); }

// The index just past the bracket group that opens at `open`.
std::size_t past_group(std::span<const Token> tokens, std::size_t open) {
    static const std::map<std::string, std::string> closer = {{"(", ")"}, {"[", "]"}, {"{", "}"}};
    std::vector<const Token *> stack;
    for (std::size_t i = open; i < tokens.size(); ++i) {
        const Token &token = tokens[i];
        if (opens(token)) {
            stack.push_back(&token);
        } else if (closes(token)) {
            if (closer.at(stack.back()->text) != token.text)
                fail(token, "'" + token.text + "' does not close the '" + stack.back()->text + "' of line " +
                                std::to_string(stack.back()->line));
            stack.pop_back();
            if (stack.empty())
                return i + 1;
        }
    }
    fail(*stack.back(), "'" + stack.back()->text + "' is not closed");
}

// Names that may follow a struct or enum body without being its declarator.
const std::set<std::string> not_declarators = {"__attribute__", "const", "volatile"};

} // namespace

void DeclarationReader::read(std::span<const Token> tokens) {
    std::size_t i = 0;
    while (i < tokens.size()) {
        // One declaration: up to ';' outside brackets, or up to the end of a function body.
        const Token &first = tokens[i];
        bool is_typedef = first.is_identifier("typedef");
        std::vector<Token> outside; // tokens outside brackets since the last enum or struct body
        std::optional<Enum> enum_definition;
        std::optional<StructDefinition> struct_definition;
        const Token *previous = nullptr;
        bool grouped = false; // brackets outside a body: a function, an array, an attribute
        bool ended = false;
        while (i < tokens.size() && !ended) {
            const Token &token = tokens[i];
            if (token.is(";")) {
                ++i;
                ended = true;
                continue;
            }
            bool tagged = token.is_identifier("enum") || token.is_identifier("struct") || token.is_identifier("union");
            std::size_t open = i + 1;
            std::string tag;
            if (tagged && open < tokens.size() && tokens[open].kind == TokenKind::Identifier)
                tag = tokens[open++].text;
            if (tagged && open < tokens.size() && tokens[open].is("{")) {
                std::size_t end = past_group(tokens, open);
                if (token.is_identifier("enum")) {
                    enum_definition = Enum{tag, *token.file, token.line, {}};
                    read_enum(tokens, open, *enum_definition);
                } else if (token.is_identifier("struct")) {
                    struct_definition = StructDefinition{
                        tag, *token.file, token.line, {tokens.begin() + open + 1, tokens.begin() + end - 1}};
                }
                outside.clear();
                previous = &tokens[end - 1];
                i = end;
            } else if (opens(token)) {
                std::size_t end = past_group(tokens, i);
                ended = token.is("{") && previous && previous->is(")"); // a function body
                grouped = true;
                previous = &tokens[end - 1];
                i = end;
            } else if (closes(token)) {
                fail(token, "'" + token.text + "' closes nothing");
            } else {
                outside.push_back(token);
                previous = &token;
                ++i;
            }
        }
        if (!ended)
            fail(first, "declaration not terminated by ';'");

        std::erase_if(outside, [](const Token &token) { return not_declarators.count(token.text) > 0; });
        bool body = enum_definition || struct_definition;
        // The name a typedef declares: the one name after a body, else the last of the specifiers.
        std::optional<std::string> typedef_name;
        if (is_typedef && !outside.empty() && outside.back().kind == TokenKind::Identifier &&
            (body ? outside.size() == 1 : !grouped))
            typedef_name = outside.back().text;
        if (enum_definition) {
            if (typedef_name)
                enum_definition->name = *typedef_name;
            enums_.push_back(std::move(*enum_definition));
        } else if (struct_definition && typedef_name) {
            struct_definition->name = *typedef_name;
            structs_.push_back(std::move(*struct_definition));
        } else if (!body && typedef_name && outside.size() > 2) {
            std::span<const Token> specifiers(outside.begin() + 1, outside.end() - 1);
            if (std::optional<IntType> type = integer_type(specifiers, environment()))
                typedefs_[*typedef_name] = *type;
        }
    }
}

void DeclarationReader::read_enum(std::span<const Token> tokens, std::size_t open, Enum &definition) {
    std::optional<Value> next = Value{DataModel::int_type(), 0}; // the value of an enumerator without '='
    std::size_t i = open + 1;
    for (;;) {
        if (tokens[i].is("}"))
            return;
        const Token &name = tokens[i++];
        if (name.kind != TokenKind::Identifier)
            fail(name, "expected an enumerator name, not '" + name.text + "'");
        Value value;
        if (tokens[i].is("=")) {
            std::size_t start = ++i;
            for (int depth = 0; depth > 0 || !(tokens[i].is(",") || tokens[i].is("}")); ++i)
                depth += opens(tokens[i]) ? 1 : closes(tokens[i]) ? -1 : 0;
            try {
                value = evaluate(tokens.subspan(start, i - start), environment());
            } catch (const ExpressionError &error) {
                fail(name, "value of enumerator " + name.text + ": " + error.what());
            }
        } else if (next) {
            value = *next;
        } else {
            fail(name, "enumerator " + name.text + " is one past the greatest value of its type");
        }
        // An enumeration constant is an int when its value fits one (GCC keeps a wider type otherwise).
        if (fits(value, DataModel::int_type()))
            value = convert(value, DataModel::int_type());
        std::string where = *name.file + ":" + std::to_string(name.line);
        if (auto [it, added] = constant_origins_.emplace(name.text, where); !added)
            fail(name, "enumerator " + name.text + " is already defined at " + it->second);
        constants_.emplace(name.text, value);
        definition.enumerators.push_back({name.text, value, name.line});
        bool at_max = value.type.is_signed ? static_cast<std::int64_t>(value.bits) == static_cast<std::int64_t>(max_of(value.type))
                                           : value.bits == max_of(value.type);
        next = at_max ? std::nullopt : std::optional<Value>(Value{value.type, value.bits + 1});
        if (tokens[i].is(","))
            ++i;
        else if (!tokens[i].is("}"))
            fail(tokens[i], "expected ',' or '}' after enumerator " + name.text + ", not '" + tokens[i].text + "'");
    }
}

std::vector<std::string> word_fields(const StructDefinition &definition, const std::string &type) {
    std::vector<std::string> fields;
    const std::vector<Token> &body = definition.body;
    for (std::size_t i = 0; i < body.size();) {
        const Token &start = body[i++];
        auto unsupported = [&] {
            fail(start, "struct " + definition.name + ": only members declared '" + type + " a, b, ...;' are supported");
        };
        if (!start.is_identifier(type.c_str()))
            unsupported();
        for (bool last = false; !last; i += 2) {
            if (i + 1 >= body.size() || body[i].kind != TokenKind::Identifier || !(body[i + 1].is(",") || body[i + 1].is(";")))
                unsupported();
            fields.push_back(body[i].text);
            last = body[i + 1].is(";");
        }
    }
    if (fields.empty())
        throw InputError(definition.file, definition.line, "struct " + definition.name + " has no members");
    return fields;
}

} // namespace sel4_bindgen::c
