// C integer constant expressions: literal types, conversions, errors, and random expression
// trees evaluated both by the reader and natively by this test (C++'s arithmetic on these
// types is C's), which must agree on type and value, or both find undefined behaviour.
#include "c_expression.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cstdio>
#include <limits>
#include <random>
#include <utility>
#include <type_traits>
#include <variant>

using namespace sel4_bindgen::c;

namespace {

const DataModel lp64{64};

Value eval(const std::string &text, bool preprocessor = false, const std::map<std::string, IntType> *typedefs = nullptr) {
    return evaluate(lex(text, "e.h"), Environment{lp64, preprocessor, nullptr, typedefs});
}

// The kind and message of the error evaluating `text`, or "(none)".
std::string error_of(const std::string &text) {
    try {
        eval(text);
    } catch (const ExpressionError &error) {
        return std::string(error.kind == ExpressionError::Kind::Invalid ? "invalid: " : "not constant: ") + error.what();
    }
    return "(none)";
}

constexpr IntType int_t{32, true, 3}, uint_t{32, false, 3}, long_t{64, true, 4}, ulong_t{64, false, 4},
    llong_t{64, true, 5}, ullong_t{64, false, 5};

} // namespace

TEST(CExpression, LiteralTypesFollowC) {
    EXPECT_EQ(eval("2147483647"), (Value{int_t, 2147483647}));
    EXPECT_EQ(eval("2147483648"), (Value{long_t, 2147483648}));
    EXPECT_EQ(eval("0x80000000"), (Value{uint_t, 0x80000000}));
    EXPECT_EQ(eval("0xffffffffffffffff"), (Value{ulong_t, ~0ull}));
    EXPECT_EQ(eval("017"), (Value{int_t, 15}));
    EXPECT_EQ(eval("1u"), (Value{uint_t, 1}));
    EXPECT_EQ(eval("1L"), (Value{long_t, 1}));
    EXPECT_EQ(eval("1ul"), (Value{ulong_t, 1}));
    EXPECT_EQ(eval("1LU"), (Value{ulong_t, 1}));
    EXPECT_EQ(eval("1ll"), (Value{llong_t, 1}));
    EXPECT_EQ(eval("1ULL"), (Value{ullong_t, 1}));
}

TEST(CExpression, ConversionsAndOperators) {
    EXPECT_EQ(eval("-1 < 0u"), (Value{int_t, 0})); // -1 converts to unsigned
    EXPECT_EQ(eval("-1 < 0l"), (Value{int_t, 1}));
    EXPECT_EQ(eval("-1 + 0u"), (Value{uint_t, 0xffffffff}));
    EXPECT_EQ(eval("-1l + 0u"), (Value{long_t, ~0ull}));     // long holds every unsigned int
    EXPECT_EQ(eval("-1ll + 0ul"), (Value{ullong_t, ~0ull})); // rank of long long is higher
    EXPECT_EQ(eval("-7 / 2"), (Value{int_t, static_cast<std::uint64_t>(-3)}));
    EXPECT_EQ(eval("-7 % 2"), (Value{int_t, static_cast<std::uint64_t>(-1)}));
    EXPECT_EQ(eval("-8 >> 1"), (Value{int_t, static_cast<std::uint64_t>(-4)}));
    EXPECT_EQ(eval("1 ? 2 : 3u"), (Value{uint_t, 2}));
    EXPECT_EQ(eval("0 && 1 / 0"), (Value{int_t, 0}));
    EXPECT_EQ(eval("1 || 1 / 0"), (Value{int_t, 1}));
    EXPECT_EQ(eval("(unsigned char)0x1ff + 1"), (Value{int_t, 256}));
    EXPECT_EQ(eval("sizeof(unsigned long long) * 8"), (Value{ulong_t, 64}));
    EXPECT_EQ(eval("((1ULL << ((sizeof(long)*8) - 1)) - 1)"), (Value{ullong_t, 0x7fffffffffffffff}));
    std::map<std::string, IntType> typedefs = {{"seL4_Word", ulong_t}};
    EXPECT_EQ(eval("(seL4_Word)-1", false, &typedefs), (Value{ulong_t, ~0ull}));
    EXPECT_EQ(eval("anything + 1", true), (Value{llong_t, 1})); // #if: names left are 0
}

TEST(CExpression, ErrorsSayWhetherItIsAnIntegerAtAll) {
    EXPECT_EQ(error_of("1 / 0"), "invalid: division by zero");
    EXPECT_EQ(error_of("2147483647 + 1"), "invalid: signed overflow in '+'");
    EXPECT_EQ(error_of("-(-9223372036854775807l - 1)"), "invalid: signed overflow in '-'");
    EXPECT_EQ(error_of("1 << 32"), "invalid: shift by 32 bits of a 32-bit value");
    EXPECT_EQ(error_of("1u >> -1"), "invalid: shift by -1 bits of a 32-bit value");
    EXPECT_EQ(error_of("99999999999999999999"), "invalid: integer constant too large: 99999999999999999999");
    EXPECT_EQ(error_of("09"), "invalid: bad octal constant 09");
    EXPECT_EQ(error_of("1lul"), "invalid: bad integer suffix in 1lul");
    EXPECT_EQ(error_of("'a'"), "invalid: character constants are not supported: 'a'");
    EXPECT_EQ(error_of("sizeof(struct x)"), "invalid: 'struct x' is not an integer type known here");
    EXPECT_EQ(error_of("sizeof 1"), "invalid: sizeof is supported only of a type name");
    EXPECT_EQ(error_of("1.5"), "not constant: the floating constant 1.5");
    EXPECT_EQ(error_of("\"text\""), "not constant: a string");
    EXPECT_EQ(error_of("((void *)0)"), "not constant: a cast to 'void *'");
    EXPECT_EQ(error_of("(struct x)1"), "not constant: a cast to 'struct x'");
    EXPECT_EQ(error_of("(foo)1"), "not constant: 'foo' is not an integer constant");
    EXPECT_EQ(error_of("seL4_CapRights_new(0, 1)"), "not constant: a call of 'seL4_CapRights_new'");
    EXPECT_EQ(error_of("seL4_X"), "not constant: 'seL4_X' is not an integer constant");
    EXPECT_EQ(error_of(""), "not constant: empty expression");
    EXPECT_EQ(error_of("1 2"), "not constant: unexpected '2'");
    EXPECT_EQ(error_of("(1"), "not constant: expected ')' at the end");
}

namespace {

// Random expression trees, evaluated natively.
using Native = std::variant<signed char, unsigned char, short, unsigned short, int, unsigned, long, unsigned long,
                            long long, unsigned long long>;
const char *const type_names[] = {"signed char", "unsigned char", "short", "unsigned short", "int", "unsigned",
                                  "long", "unsigned long", "long long", "unsigned long long"};
const char *const literal_suffixes[] = {"", "", "", "", "", "u", "l", "ul", "ll", "ull"};

template <typename T> IntType type_of() {
    int rank = sizeof(T) == 1 ? 1 : sizeof(T) == 2 ? 2 : std::is_same_v<std::make_signed_t<T>, int> ? 3
             : std::is_same_v<std::make_signed_t<T>, long> ? 4 : 5;
    return {static_cast<unsigned>(sizeof(T) * 8), std::is_signed_v<T>, rank};
}

Value as_value(const Native &native) {
    return std::visit([](auto x) {
        using T = decltype(x);
        std::uint64_t bits = std::is_signed_v<T> ? static_cast<std::uint64_t>(static_cast<long long>(x))
                                                 : static_cast<std::uint64_t>(x);
        return Value{type_of<T>(), bits};
    }, native);
}

Native cast_to(std::size_t index, const Native &value) {
    return std::visit([&](auto x) -> Native {
        switch (index) {
        case 0: return static_cast<signed char>(x);
        case 1: return static_cast<unsigned char>(x);
        case 2: return static_cast<short>(x);
        case 3: return static_cast<unsigned short>(x);
        case 4: return static_cast<int>(x);
        case 5: return static_cast<unsigned>(x);
        case 6: return static_cast<long>(x);
        case 7: return static_cast<unsigned long>(x);
        case 8: return static_cast<long long>(x);
        default: return static_cast<unsigned long long>(x);
        }
    }, value);
}

struct Node {
    enum Kind { Literal, Unary, Binary, Conditional, Cast } kind;
    std::string op; // operator, or the literal's spelling
    Native literal{};
    std::size_t cast = 0; // index into type_names
    std::vector<Node> children;
};

struct Outcome {
    Native value;
    bool undefined = false;
};

bool truthy(const Native &value) {
    return std::visit([](auto x) { return x != 0; }, value);
}

Outcome native(const Node &node, bool live);

Outcome binary(const Node &node, bool live) {
    const std::string &op = node.op;
    if (op == "&&" || op == "||") {
        Outcome a = native(node.children[0], live);
        bool decided = op == "&&" ? !truthy(a.value) : truthy(a.value);
        Outcome b = native(node.children[1], live && !decided);
        return {int(decided ? truthy(a.value) : truthy(b.value)), a.undefined || b.undefined};
    }
    Outcome a = native(node.children[0], live), b = native(node.children[1], live);
    Outcome result = std::visit([&](auto x, auto y) -> Outcome {
        if (op == "<<" || op == ">>") {
            using L = decltype(+x);
            L l = x;
            auto count = +y;
            constexpr int bits = sizeof(L) * 8;
            if (!live)
                return {L{}};
            if (std::cmp_less(count, 0) || std::cmp_greater_equal(count, bits))
                return {L{}, true};
            if (op == ">>")
                return {L(l >> count)};
            if (std::is_signed_v<L> && (std::cmp_less(l, 0) || l > (std::numeric_limits<L>::max() >> count)))
                return {L{}, true};
            return {L(l << count)};
        }
        using R = decltype(x + y);
        R p = static_cast<R>(x), q = static_cast<R>(y), r{};
        if (op == "<" || op == ">" || op == "<=" || op == ">=" || op == "==" || op == "!=")
            return {int(op == "<" ? p < q : op == ">" ? p > q : op == "<=" ? p <= q : op == ">=" ? p >= q : op == "==" ? p == q : p != q)};
        if (!live)
            return {R{}};
        if (op == "&") return {R(p & q)};
        if (op == "|") return {R(p | q)};
        if (op == "^") return {R(p ^ q)};
        if ((op == "/" || op == "%") && (q == 0 || (std::is_signed_v<R> && p == std::numeric_limits<R>::min() && q == R(-1))))
            return {R{}, true};
        if (op == "/") return {R(p / q)};
        if (op == "%") return {R(p % q)};
        bool overflow = op == "+" ? __builtin_add_overflow(p, q, &r) : op == "-" ? __builtin_sub_overflow(p, q, &r)
                                                                               : __builtin_mul_overflow(p, q, &r);
        return {r, std::is_signed_v<R> && overflow};
    }, a.value, b.value);
    result.undefined = result.undefined || a.undefined || b.undefined;
    return result;
}

Outcome native(const Node &node, bool live) {
    switch (node.kind) {
    case Node::Literal:
        return {node.literal};
    case Node::Cast: {
        Outcome inner = native(node.children[0], live);
        return {cast_to(node.cast, inner.value), inner.undefined};
    }
    case Node::Unary: {
        Outcome inner = native(node.children[0], live);
        Outcome result = std::visit([&](auto x) -> Outcome {
            auto p = +x;
            using P = decltype(p);
            if (node.op == "!")
                return {int(!p)};
            if (node.op == "~")
                return {P(~p)};
            if (node.op == "+")
                return {p};
            if (std::is_signed_v<P> && p == std::numeric_limits<P>::min())
                return {P{}, live};
            return {P(-p)};
        }, inner.value);
        result.undefined = result.undefined || inner.undefined;
        return result;
    }
    case Node::Binary:
        return binary(node, live);
    case Node::Conditional: {
        Outcome c = native(node.children[0], live);
        bool take = truthy(c.value);
        Outcome a = native(node.children[1], live && take), b = native(node.children[2], live && !take);
        Native value = std::visit([&](auto x, auto y) -> Native {
            using R = decltype(x + y); // C's ?: converts both as arithmetic operands
            return take ? static_cast<R>(x) : static_cast<R>(y);
        }, a.value, b.value);
        return {value, c.undefined || a.undefined || b.undefined};
    }
    }
    return {};
}

std::string render(const Node &node) {
    switch (node.kind) {
    case Node::Literal: return node.op;
    case Node::Cast: return std::string("((") + type_names[node.cast] + ")" + render(node.children[0]) + ")";
    case Node::Unary: return "(" + node.op + render(node.children[0]) + ")";
    case Node::Binary: return "(" + render(node.children[0]) + " " + node.op + " " + render(node.children[1]) + ")";
    case Node::Conditional:
        return "(" + render(node.children[0]) + " ? " + render(node.children[1]) + " : " + render(node.children[2]) + ")";
    }
    return "";
}

class Generator {
public:
    explicit Generator(unsigned seed) : random_(seed) {}

    Node tree(int depth) {
        if (depth == 0 || pick(4) == 0)
            return literal();
        static const char *const binary_ops[] = {"+", "-", "*", "/", "%", "<<", ">>", "<", ">", "<=",
                                                 ">=", "==", "!=", "&", "|", "^", "&&", "||"};
        static const char *const unary_ops[] = {"-", "~", "!", "+"};
        switch (pick(6)) {
        case 0: return {Node::Unary, unary_ops[pick(4)], {}, 0, {tree(depth - 1)}};
        case 1: return {Node::Cast, "", {}, pick(10), {tree(depth - 1)}};
        case 2: return {Node::Conditional, "?", {}, 0, {tree(depth - 1), tree(depth - 1), tree(depth - 1)}};
        default: return {Node::Binary, binary_ops[pick(18)], {}, 0, {tree(depth - 1), tree(depth - 1)}};
        }
    }

private:
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_); }

    Node literal() {
        // int .. unsigned long long, the types a literal can have; with its suffix and a value
        // up to the type's maximum, a literal has that type.
        static const std::uint64_t maxima[] = {INT_MAX, UINT_MAX, LONG_MAX, ULONG_MAX, LLONG_MAX, ULLONG_MAX};
        std::size_t type = 4 + pick(6);
        std::uint64_t max = maxima[type - 4];
        static const std::uint64_t edges[] = {0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 255, 65535};
        std::uint64_t value;
        switch (pick(4)) {
        case 0: value = max - pick(2); break;
        case 1: value = std::uniform_int_distribution<std::uint64_t>(0, max)(random_); break;
        default: value = edges[pick(std::size(edges))]; break;
        }
        char text[40];
        std::snprintf(text, sizeof text, pick(2) ? "0x%llx%s" : "%llu%s", static_cast<unsigned long long>(value),
                      literal_suffixes[type]);
        return {Node::Literal, text, cast_to(type, Native(static_cast<unsigned long long>(value))), 0, {}};
    }

    std::mt19937_64 random_;
};

} // namespace

TEST(CExpression, RandomTreesEvaluateLikeC) {
    Generator generator(20240601);
    int undefined = 0;
    for (int i = 0; i < 20000; ++i) {
        Node tree = generator.tree(1 + i % 4);
        std::string text = render(tree);
        Outcome expected = native(tree, true);
        try {
            Value got = eval(text);
            ASSERT_FALSE(expected.undefined) << text << " evaluated to " << decimal(got);
            ASSERT_EQ(got, as_value(expected.value)) << text;
        } catch (const ExpressionError &error) {
            EXPECT_TRUE(expected.undefined) << text << ": " << error.what();
            EXPECT_EQ(error.kind, ExpressionError::Kind::Invalid) << text;
            ++undefined;
        }
    }
    // Both outcomes are exercised.
    EXPECT_GT(undefined, 1000);
    EXPECT_LT(undefined, 10000);
}
