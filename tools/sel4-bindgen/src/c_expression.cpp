#include "c_expression.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <limits>
#include <set>
#include <vector>

namespace sel4_bindgen::c {

namespace {

using Kind = ExpressionError::Kind;

[[noreturn]] void not_constant(const std::string &what) { throw ExpressionError(Kind::NotConstant, what); }
[[noreturn]] void invalid(const std::string &what) { throw ExpressionError(Kind::Invalid, what); }

constexpr IntType long_long{64, true, 5};
constexpr IntType unsigned_long_long{64, false, 5};


IntType promote(IntType type) { return type.rank < DataModel::int_type().rank ? DataModel::int_type() : type; }

// C's usual arithmetic conversions.
IntType common(IntType a, IntType b) {
    a = promote(a);
    b = promote(b);
    if (a == b)
        return a;
    if (a.is_signed == b.is_signed)
        return a.rank > b.rank ? a : b;
    IntType u = a.is_signed ? b : a;
    IntType s = a.is_signed ? a : b;
    if (u.rank >= s.rank)
        return u;
    if (s.bits > u.bits)
        return s;
    return {s.bits, false, s.rank};
}

std::int64_t as_signed(const Value &value) { return static_cast<std::int64_t>(value.bits); }

// A signed result, or an error when it does not fit its type.
Value signed_result(std::int64_t result, bool overflowed, IntType type, const char *op) {
    if (overflowed || result < min_of(type) || result > static_cast<std::int64_t>(max_of(type)))
        invalid(std::string("signed overflow in '") + op + "'");
    return {type, static_cast<std::uint64_t>(result)};
}

const std::set<std::string> type_keywords = {"unsigned", "signed", "int",   "long",   "short", "char",
                                             "void",     "_Bool",  "const", "volatile", "struct", "union", "enum"};

class Evaluator {
public:
    Evaluator(std::span<const Token> tokens, const Environment &environment) : tokens_(tokens), env_(environment) {}

    Value run() {
        if (tokens_.empty())
            not_constant("empty expression");
        Value value = conditional(true);
        if (position_ < tokens_.size())
            not_constant("unexpected '" + tokens_[position_].text + "'");
        return value;
    }

private:
    const Token *peek() const { return position_ < tokens_.size() ? &tokens_[position_] : nullptr; }
    bool at(const char *punctuator) const { return peek() && peek()->is(punctuator); }
    bool accept(const char *punctuator) {
        if (!at(punctuator))
            return false;
        ++position_;
        return true;
    }
    void expect(const char *punctuator) {
        if (!accept(punctuator))
            not_constant(std::string("expected '") + punctuator + "'" + (peek() ? " before '" + peek()->text + "'" : " at the end"));
    }

    // In #if every value is widened to intmax_t or uintmax_t.
    Value widen(Value value) const {
        if (!env_.preprocessor)
            return value;
        return convert(value, value.type.is_signed ? long_long : unsigned_long_long);
    }
    Value truth_value(bool truth) const { return widen({DataModel::int_type(), truth ? 1u : 0u}); }

    Value conditional(bool live) {
        Value condition = binary(1, live);
        if (!accept("?"))
            return condition;
        bool take = condition.bits != 0;
        Value a = conditional(live && take);
        expect(":");
        Value b = conditional(live && !take);
        return convert(take ? a : b, common(a.type, b.type));
    }

    static int precedence(const Token &token) {
        static const std::map<std::string, int> levels = {
            {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6}, {"!=", 6}, {"<", 7}, {">", 7},
            {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},  {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10}};
        if (token.kind != TokenKind::Punctuator)
            return 0;
        auto it = levels.find(token.text);
        return it == levels.end() ? 0 : it->second;
    }

    // Precedence climbing over the left-associative binary operators.
    Value binary(int min_level, bool live) {
        Value left = unary(live);
        while (peek() && precedence(*peek()) >= min_level) {
            std::string op = tokens_[position_++].text;
            int level = precedence(tokens_[position_ - 1]);
            if (op == "&&" || op == "||") {
                bool left_true = left.bits != 0;
                bool decided = op == "&&" ? !left_true : left_true;
                Value right = binary(level + 1, live && !decided);
                left = truth_value(decided ? left_true : right.bits != 0);
            } else {
                Value right = binary(level + 1, live);
                left = apply(op, left, right, live);
            }
        }
        return left;
    }

    Value apply(const std::string &op, Value a, Value b, bool live) const {
        bool shift = op == "<<" || op == ">>";
        IntType type = shift ? promote(a.type) : common(a.type, b.type);
        bool comparison = op == "==" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=";
        if (!live) // not evaluated (the other side of && || ?:): only the type counts
            return widen({comparison ? DataModel::int_type() : type, 0});
        if (shift)
            return widen(shifted(op == "<<", convert(a, type), convert(b, promote(b.type))));
        Value x = convert(a, type);
        Value y = convert(b, type);
        std::int64_t sx = as_signed(x), sy = as_signed(y), r = 0;
        if (comparison) {
            bool less = type.is_signed ? sx < sy : x.bits < y.bits;
            bool equal = x.bits == y.bits;
            bool result = op == "==" ? equal : op == "!=" ? !equal : op == "<" ? less : op == ">" ? !less && !equal
                                                            : op == "<=" ? less || equal : !less;
            return truth_value(result);
        }
        if (op == "&")
            return {type, x.bits & y.bits};
        if (op == "|")
            return {type, x.bits | y.bits};
        if (op == "^")
            return {type, x.bits ^ y.bits};
        if ((op == "/" || op == "%") && y.bits == 0)
            invalid("division by zero");
        if (!type.is_signed) {
            std::uint64_t u = op == "+" ? x.bits + y.bits : op == "-" ? x.bits - y.bits : op == "*" ? x.bits * y.bits
                            : op == "/" ? x.bits / y.bits : x.bits % y.bits;
            return convert({type, u}, type);
        }
        if (op == "+")
            return signed_result(r, __builtin_add_overflow(sx, sy, &r), type, "+");
        if (op == "-")
            return signed_result(r, __builtin_sub_overflow(sx, sy, &r), type, "-");
        if (op == "*")
            return signed_result(r, __builtin_mul_overflow(sx, sy, &r), type, "*");
        if (sx == min_of(type) && sy == -1)
            invalid("signed overflow in '" + op + "'");
        return {type, static_cast<std::uint64_t>(op == "/" ? sx / sy : sx % sy)};
    }

    static Value shifted(bool left, Value x, Value count) {
        if (count.negative() || count.bits >= x.type.bits)
            invalid("shift by " + decimal(count) + " bits of a " + std::to_string(x.type.bits) + "-bit value");
        unsigned n = static_cast<unsigned>(count.bits);
        if (!left)
            return {x.type, x.type.is_signed ? static_cast<std::uint64_t>(as_signed(x) >> n) : x.bits >> n};
        if (x.type.is_signed && (x.negative() || x.bits >= (std::uint64_t(1) << (x.type.bits - 1 - n))))
            invalid("signed overflow in '<<'");
        return convert({x.type, x.bits << n}, x.type);
    }

    bool type_starts_at(std::size_t index) const {
        if (env_.preprocessor || index >= tokens_.size() || tokens_[index].kind != TokenKind::Identifier)
            return false;
        const std::string &name = tokens_[index].text;
        return type_keywords.count(name) || (env_.typedefs && env_.typedefs->count(name));
    }

    // After '(' at a type name: the type up to ')'. A cast to a pointer, void, a struct, a
    // union or an enum makes no integer constant; sizeof of them is one this reader cannot work out.
    IntType type_name(bool in_sizeof) {
        std::size_t start = position_;
        while (peek() && !at(")"))
            ++position_;
        std::span<const Token> specifiers = tokens_.subspan(start, position_ - start);
        expect(")");
        if (std::optional<IntType> type = integer_type(specifiers, env_))
            return *type;
        std::string spelled = spelling(specifiers);
        bool not_integer = std::any_of(specifiers.begin(), specifiers.end(), [](const Token &token) {
            return token.is("*") || token.is_identifier("void") || token.is_identifier("struct") ||
                   token.is_identifier("union") || token.is_identifier("enum");
        });
        if (not_integer && !in_sizeof)
            not_constant("a cast to '" + spelled + "'");
        invalid("'" + spelled + "' is not an integer type known here");
    }

    Value unary(bool live) {
        const Token *token = peek();
        if (!token)
            not_constant("expression ends early");
        if (token->is("+") || token->is("-") || token->is("~") || token->is("!")) {
            ++position_;
            Value operand = unary(live);
            IntType type = promote(operand.type);
            Value x = convert(operand, type);
            if (token->is("!"))
                return truth_value(x.bits == 0);
            if (token->is("+"))
                return x;
            if (token->is("~"))
                return convert({type, ~x.bits}, type);
            if (type.is_signed && live && as_signed(x) == min_of(type))
                invalid("signed overflow in '-'");
            return convert({type, 0 - x.bits}, type);
        }
        if (token->is_identifier("sizeof")) {
            ++position_;
            if (!at("(") || !type_starts_at(position_ + 1))
                invalid("sizeof is supported only of a type name");
            ++position_;
            IntType type = type_name(true);
            return {env_.model.size_type(), type.bits / 8};
        }
        if (token->is("(") && type_starts_at(position_ + 1)) {
            ++position_;
            IntType type = type_name(false);
            return convert(unary(live), type);
        }
        return primary(live);
    }

    Value primary(bool live) {
        const Token &token = tokens_[position_++];
        switch (token.kind) {
        case TokenKind::Number:
            return widen(number(token.text));
        case TokenKind::Identifier:
            if (env_.preprocessor)
                return widen({DataModel::int_type(), 0});
            if (env_.constants)
                if (auto it = env_.constants->find(token.text); it != env_.constants->end())
                    return it->second;
            not_constant(at("(") ? "a call of '" + token.text + "'" : "'" + token.text + "' is not an integer constant");
        case TokenKind::Punctuator:
            if (token.is("(")) {
                Value value = conditional(live);
                expect(")");
                return value;
            }
            not_constant("unexpected '" + token.text + "'");
        case TokenKind::Character:
            invalid("character constants are not supported: " + token.text);
        case TokenKind::String:
        case TokenKind::Placemarker:
            break;
        }
        not_constant("a string");
    }

    Value number(const std::string &text) const {
        bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
        bool octal = !hex && text.size() > 1 && text[0] == '0';
        std::size_t i = hex ? 2 : 0;
        std::uint64_t value = 0;
        bool too_large = false;
        for (; i < text.size(); ++i) {
            char c = text[i];
            int digit;
            if (std::isdigit(static_cast<unsigned char>(c)))
                digit = c - '0';
            else if (hex && std::isxdigit(static_cast<unsigned char>(c)))
                digit = std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
            else
                break;
            if (octal && digit > 7)
                invalid("bad octal constant " + text);
            unsigned base = hex ? 16 : octal ? 8 : 10;
            too_large |= __builtin_mul_overflow(value, base, &value) || __builtin_add_overflow(value, digit, &value);
        }
        if (hex && i == 2)
            invalid("bad hexadecimal constant " + text);
        std::string suffix = text.substr(i);
        if (suffix.find_first_of(".") != std::string::npos || (!hex && !suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E')))
            not_constant("the floating constant " + text);
        // The suffix: u and l, ll (not lL) in either order.
        bool is_unsigned = false;
        int longs = 0;
        std::string rest = suffix;
        auto take_u = [&] {
            if (is_unsigned || rest.empty() || (rest[0] != 'u' && rest[0] != 'U'))
                return;
            is_unsigned = true;
            rest.erase(0, 1);
        };
        take_u();
        for (const char *l : {"ll", "LL", "l", "L"})
            if (longs == 0 && rest.starts_with(l)) {
                longs = static_cast<int>(std::strlen(l));
                rest.erase(0, longs);
            }
        take_u();
        if (!rest.empty() || too_large)
            invalid(too_large ? "integer constant too large: " + text : "bad integer suffix in " + text);
        // C11 6.4.4.1: the first type of the list that can represent the value.
        std::vector<IntType> candidates;
        IntType int_type = DataModel::int_type();
        IntType long_type{env_.model.long_bits, true, 4};
        for (IntType type : {int_type, long_type, long_long}) {
            if (type.rank - 3 < longs)
                continue;
            if (!is_unsigned)
                candidates.push_back(type);
            if (is_unsigned || hex || octal)
                candidates.push_back({type.bits, false, type.rank});
        }
        for (IntType type : candidates)
            if (value <= max_of(type))
                return {type, value};
        invalid("integer constant too large for its type: " + text);
    }

    std::span<const Token> tokens_;
    const Environment &env_;
    std::size_t position_ = 0;
};

} // namespace

Value evaluate(std::span<const Token> tokens, const Environment &environment) {
    return Evaluator(tokens, environment).run();
}

std::optional<IntType> integer_type(std::span<const Token> specifiers, const Environment &environment) {
    int signed_count = 0, unsigned_count = 0, chars = 0, shorts = 0, ints = 0, longs = 0;
    std::optional<IntType> named;
    for (const Token &token : specifiers) {
        const std::string &word = token.text;
        if (token.kind != TokenKind::Identifier)
            return std::nullopt;
        if (word == "const" || word == "volatile")
            continue;
        int *counter = word == "signed" ? &signed_count : word == "unsigned" ? &unsigned_count : word == "char" ? &chars
                     : word == "short" ? &shorts : word == "int" ? &ints : word == "long" ? &longs : nullptr;
        if (counter) {
            ++*counter;
            continue;
        }
        if (named || !environment.typedefs)
            return std::nullopt;
        auto it = environment.typedefs->find(word);
        if (it == environment.typedefs->end())
            return std::nullopt;
        named = it->second;
    }
    int keywords = signed_count + unsigned_count + chars + shorts + ints + longs;
    if (named)
        return keywords == 0 ? named : std::nullopt;
    bool is_signed = unsigned_count == 0;
    if (keywords == 0 || signed_count + unsigned_count > 1 || ints > 1 || longs > 2 || chars + shorts + (longs > 0) > 1 ||
        (chars && ints))
        return std::nullopt;
    if (chars)
        return signed_count + unsigned_count ? std::optional<IntType>({8, is_signed, 1}) : std::nullopt;
    if (shorts)
        return IntType{16, is_signed, 2};
    if (longs == 1)
        return IntType{environment.model.long_bits, is_signed, 4};
    if (longs == 2)
        return IntType{64, is_signed, 5};
    return IntType{32, is_signed, 3};
}

std::int64_t min_of(IntType type) {
    if (!type.is_signed)
        return 0;
    return type.bits == 64 ? std::numeric_limits<std::int64_t>::min() : -(std::int64_t(1) << (type.bits - 1));
}

std::uint64_t max_of(IntType type) {
    std::uint64_t all = type.bits == 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << type.bits) - 1;
    return type.is_signed ? all >> 1 : all;
}

bool fits(const Value &value, IntType type) {
    return value.negative() ? type.is_signed && static_cast<std::int64_t>(value.bits) >= min_of(type)
                            : value.bits <= max_of(type);
}

Value convert(Value value, IntType type) {
    std::uint64_t bits = type.bits == 64 ? value.bits : value.bits & ((std::uint64_t(1) << type.bits) - 1);
    if (type.is_signed && type.bits < 64 && (bits >> (type.bits - 1)) & 1)
        bits |= ~((std::uint64_t(1) << type.bits) - 1);
    return {type, bits};
}

std::string decimal(const Value &value) {
    return value.negative() ? std::to_string(static_cast<std::int64_t>(value.bits)) : std::to_string(value.bits);
}

} // namespace sel4_bindgen::c
