// The one libm function the toolchain libraries need: riscv64's libstdc++ calls floor() in
// the unordered containers' rehash policy (hashtable_c++0x.o), where the other targets
// inline it. Exact, from the bits: clear the fraction bits, rounding towards minus infinity.
#include <cstdint>

#include "c_library.hpp"

extern "C" double CPP_SEL4_C_NAME(floor)(double x) noexcept {
    std::uint64_t bits = __builtin_bit_cast(std::uint64_t, x);
    const int exponent = static_cast<int>(bits >> 52 & 0x7ff) - 1023;
    const bool negative = (bits >> 63) != 0;
    if (exponent >= 52) // already an integer, or infinite, or NaN
        return x;
    if (exponent < 0) // |x| < 1
        return (bits << 1) == 0 ? x : negative ? -1.0 : 0.0;
    const std::uint64_t fraction = (std::uint64_t{1} << (52 - exponent)) - 1;
    if ((bits & fraction) == 0)
        return x;
    if (negative) // one more in magnitude; a carry into the exponent field is right too
        bits += fraction + 1;
    return __builtin_bit_cast(double, bits & ~fraction);
}
