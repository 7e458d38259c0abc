// C integer constant expressions, evaluated as the target's C compiler does: literals with
// their C types (12, 0x80000000, 1ul, 1ULL), the usual arithmetic conversions, casts to integer
// types, sizeof of an integer type, ?:, and short-circuit && and ||. Arithmetic that C leaves
// undefined (signed overflow, division by zero, shifts out of range) is an error, as a
// compiler would reject it in a constant expression. In #if, every value is intmax_t or
// uintmax_t and identifiers left after macro expansion are 0.
#pragma once

#include "c_lexer.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

namespace sel4_bindgen::c {

// An integer type: width, signedness and C's integer conversion rank.
struct IntType {
    unsigned bits;
    bool is_signed;
    int rank; // 1 char, 2 short, 3 int, 4 long, 5 long long

    bool operator==(const IntType &) const = default;
};

// The target's data model: char 8, short 16, int 32, long long 64 bits; long as wide as a word
// (LP64 or ILP32).
struct DataModel {
    unsigned long_bits;

    static IntType int_type() { return {32, true, 3}; }
    IntType size_type() const { return {long_bits, false, 4}; } // size_t is unsigned long
};

struct Value {
    IntType type;
    std::uint64_t bits; // two's complement, sign-extended to 64 bits when the type is signed

    bool negative() const { return type.is_signed && static_cast<std::int64_t>(bits) < 0; }
    bool operator==(const Value &) const = default;
};

class ExpressionError : public std::runtime_error {
public:
    enum class Kind {
        NotConstant, // not an integer constant expression: a string, a call, a pointer, an unknown name
        Invalid,     // an integer expression that C rejects or this reader does not support
    };
    ExpressionError(Kind kind, const std::string &what) : std::runtime_error(what), kind(kind) {}
    Kind kind;
};

struct Environment {
    DataModel model;
    bool preprocessor = false; // #if semantics (see above)
    const std::map<std::string, Value> *constants = nullptr; // enumerators by name
    const std::map<std::string, IntType> *typedefs = nullptr; // integer typedefs by name
};

// Evaluates all of `tokens` (macros already expanded) as one expression.
Value evaluate(std::span<const Token> tokens, const Environment &environment);

// The integer type named by declaration specifiers such as `unsigned long int`, `signed char`
// or a typedef name (const and volatile ignored); nullopt when they name no integer type
// (plain char, whose signedness depends on the target, is not one here).
std::optional<IntType> integer_type(std::span<const Token> specifiers, const Environment &environment);

// The least and greatest values of a type, and whether it holds a value.
std::int64_t min_of(IntType type);
std::uint64_t max_of(IntType type);
bool fits(const Value &value, IntType type);

// `value` converted to `type`, as by a C cast.
Value convert(Value value, IntType type);

// The value in decimal: -1, 12, 18446744073709551615.
std::string decimal(const Value &value);

} // namespace sel4_bindgen::c
