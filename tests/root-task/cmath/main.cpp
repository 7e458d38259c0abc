// root-task.cmath: every <cmath> function family in float, double and long double against
// glibc's results on the host (tools/cmath-reference writes them into cmath_reference.hpp at
// build time): correctly rounded functions exactly, the others within 1 ulp of the target's own
// type; special values (zeros, infinities, NaN, subnormals) included. Plus the rounding modes
// of <cfenv>.
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>

#include <cfenv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace {

template <class T> struct Case1 { T x, expected; };
template <class T> struct Case2 { T x, y, expected; };
template <class T> struct Case3 { T x, y, z, expected; };
template <class T> struct ToInteger { T x; long expected; };
template <class T> struct Frexp { T x, mantissa; int exponent; };
template <class T> struct Modf { T x, fraction, integral; };
template <class T> struct Scale { T x; int n; T expected; };
template <class T> struct Remquo { T x, y, remainder; int quotient; bool quotient_specified; };

long cases = 0, failures = 0;

template <class T> bool identical(T got, T expected) {
    if (std::isnan(expected))
        return std::isnan(got);
    return got == expected && std::signbit(got) == std::signbit(expected);
}

// Within one unit in the last place of `expected`, in T (the smallest subnormal at the bottom).
template <class T> bool within_one_ulp(T got, T expected) {
    if (std::isnan(expected) || std::isinf(expected) || expected == 0 || !std::isfinite(got))
        return identical(got, expected);
    using limits = std::numeric_limits<T>;
    const int exponent = std::max(std::ilogb(expected), limits::min_exponent - 1);
    const T ulp = std::scalbn(T(1), exponent - (limits::digits - 1));
    return std::fabs(got - expected) <= ulp;
}

template <class T> long double ulps(T got, T expected) {
    if (std::isnan(expected) || std::isinf(expected) || !std::isfinite(got))
        return std::numeric_limits<long double>::infinity();
    using limits = std::numeric_limits<T>;
    const int exponent = std::max(expected == 0 ? limits::min_exponent : std::ilogb(expected), limits::min_exponent - 1);
    return std::fabs(static_cast<long double>(got) - expected) / std::scalbn(1.0L, exponent - (limits::digits - 1));
}

template <class T> void report(const char *function, const char *type, T x, T y, T got, T expected) {
    if (++failures > 40)
        return;
    char a[64], b[64], g[64], e[64];
    std::snprintf(a, sizeof a, "%La", static_cast<long double>(x));
    std::snprintf(b, sizeof b, "%La", static_cast<long double>(y));
    std::snprintf(g, sizeof g, "%La", static_cast<long double>(got));
    std::snprintf(e, sizeof e, "%La", static_cast<long double>(expected));
    char off[32];
    std::snprintf(off, sizeof off, "%.3Lg", ulps(got, expected));
    sel4::debug::println("mismatch: {}<{}>({}, {}) = {}, expected {} ({} ulp)", function, type, a, b, g, e, off);
}

template <class T, class C, std::size_t N, class F>
void check(const char *function, const char *type, bool exact, const C (&table)[N], F call) {
    for (const C &c : table) {
        ++cases;
        T got, x = c.x, y = 0;
        if constexpr (requires { c.z; }) {
            y = c.y;
            got = call(c.x, c.y, c.z);
        } else if constexpr (requires { c.y; }) {
            y = c.y;
            got = call(c.x, c.y);
        } else {
            got = call(c.x);
        }
        if (!(exact ? identical(got, c.expected) : within_one_ulp(got, c.expected)))
            report(function, type, x, y, got, c.expected);
    }
}

#define CMATH_UNARY(T, name, exact, ...)                                                                          \
    {                                                                                                             \
        static constexpr Case1<T> table[] = {__VA_ARGS__};                                                        \
        check<T>(#name, #T, exact, table, [](T x) { return std::name(x); });                                      \
    }
#define CMATH_BINARY(T, name, exact, ...)                                                                         \
    {                                                                                                             \
        static constexpr Case2<T> table[] = {__VA_ARGS__};                                                        \
        check<T>(#name, #T, exact, table, [](T x, T y) { return std::name(x, y); });                              \
    }
#define CMATH_TERNARY(T, name, exact, ...)                                                                        \
    {                                                                                                             \
        static constexpr Case3<T> table[] = {__VA_ARGS__};                                                        \
        check<T>(#name, #T, exact, table, [](T x, T y, T z) { return std::name(x, y, z); });                      \
    }
#define CMATH_TO_INTEGER(T, name, ...)                                                                            \
    {                                                                                                             \
        static constexpr ToInteger<T> table[] = {__VA_ARGS__};                                                    \
        for (const auto &c : table) {                                                                             \
            ++cases;                                                                                              \
            if (static_cast<long>(std::name(c.x)) != c.expected)                                                  \
                report(#name, #T, c.x, static_cast<T>(0), static_cast<T>(std::name(c.x)), static_cast<T>(c.expected));         \
        }                                                                                                         \
    }
#define CMATH_FREXP(T, ...)                                                                                       \
    {                                                                                                             \
        static constexpr Frexp<T> table[] = {__VA_ARGS__};                                                        \
        for (const auto &c : table) {                                                                             \
            ++cases;                                                                                              \
            int exponent = 0;                                                                                     \
            const T mantissa = std::frexp(c.x, &exponent);                                                        \
            if (!identical(mantissa, c.mantissa) || exponent != c.exponent)                                       \
                report("frexp", #T, c.x, static_cast<T>(exponent), mantissa, c.mantissa);                                      \
        }                                                                                                         \
    }
#define CMATH_MODF(T, ...)                                                                                        \
    {                                                                                                             \
        static constexpr Modf<T> table[] = {__VA_ARGS__};                                                         \
        for (const auto &c : table) {                                                                             \
            ++cases;                                                                                              \
            T integral = 0;                                                                                       \
            const T fraction = std::modf(c.x, &integral);                                                         \
            if (!identical(fraction, c.fraction) || !identical(integral, c.integral))                             \
                report("modf", #T, c.x, integral, fraction, c.fraction);                                          \
        }                                                                                                         \
    }
#define CMATH_SCALE(T, name, ...)                                                                                 \
    {                                                                                                             \
        static constexpr Scale<T> table[] = {__VA_ARGS__};                                                        \
        for (const auto &c : table) {                                                                             \
            ++cases;                                                                                              \
            const T got = std::name(c.x, c.n);                                                                    \
            if (!identical(got, c.expected))                                                                      \
                report(#name, #T, c.x, static_cast<T>(c.n), got, c.expected);                                                  \
        }                                                                                                         \
    }
#define CMATH_REMQUO(T, ...)                                                                                      \
    {                                                                                                             \
        static constexpr Remquo<T> table[] = {__VA_ARGS__};                                                       \
        for (const auto &c : table) {                                                                             \
            ++cases;                                                                                              \
            int quotient = 0;                                                                                     \
            const T remainder = std::remquo(c.x, c.y, &quotient);                                                 \
            const int low = (quotient < 0 ? -quotient : quotient) & 7;                                            \
            if (!identical(remainder, c.remainder) ||                                                             \
                (c.quotient_specified && (quotient < 0 ? -low : low) != c.quotient))                              \
                report("remquo (remainder, quotient)", #T, remainder, static_cast<T>(quotient), c.remainder,     \
                       static_cast<T>(c.quotient));                                                               \
        }                                                                                                         \
    }

void reference_table() {
#include "cmath_reference.hpp"
}

// The rounding modes, which rint, lrint and nearbyint follow (and the table assumes the
// default, to nearest).
void rounding_modes() {
    volatile double half = 0.5, minus = -1.5;
    CHECK(std::fegetround() == FE_TONEAREST);
    CHECK(std::rint(half) == 0.0 && std::rint(minus) == -2.0);
    CHECK(std::fesetround(FE_UPWARD) == 0 && std::fegetround() == FE_UPWARD);
    CHECK(std::rint(half) == 1.0 && std::lrint(minus) == -1 && std::nearbyint(2.25f) == 3.0f);
    CHECK(std::fesetround(FE_DOWNWARD) == 0 && std::rint(half) == 0.0 && std::rint(minus) == -2.0);
    CHECK(std::fesetround(FE_TOWARDZERO) == 0 && std::rint(-half) == -0.0 && std::signbit(std::rint(-half)));
    CHECK(std::fesetround(FE_TONEAREST) == 0 && std::fegetround() == FE_TONEAREST);
    std::feclearexcept(FE_ALL_EXCEPT);
    volatile double zero = 0.0;
    CHECK(std::isinf(1.0 / zero) && std::fetestexcept(FE_DIVBYZERO));
    CHECK(std::isnan(std::sqrt(-half)) && std::fetestexcept(FE_INVALID));
    std::feclearexcept(FE_ALL_EXCEPT);
    CHECK(!std::fetestexcept(FE_ALL_EXCEPT));
}

} // namespace

int root_main(const sel4::BootInfo &) {
    rounding_modes();
    reference_table();
    sel4::debug::println("cmath: {} cases, {} mismatches (long double: {} mantissa bits)", cases, failures,
                         std::numeric_limits<long double>::digits);
    CHECK(cases > 3000);
    CHECK(failures == 0);
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
