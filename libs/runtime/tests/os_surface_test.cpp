// gettext, the auxiliary vector, __libc_single_threaded, and floor against glibc's.
#include <gtest/gtest.h>

#include <sel4/runtime/libc.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <sys/auxv.h>

#include "../src/c_library.hpp"

namespace {

TEST(OsSurface, GettextReturnsTheMessageItself) {
    const char *message = "basic_string::_M_create";
    EXPECT_EQ(cpp_sel4_gettext(message), message);
    EXPECT_EQ(cpp_sel4_dgettext("libstdc++", message), message);
    EXPECT_EQ(cpp_sel4_dcgettext("libstdc++", message, 5), message);
}

TEST(OsSurface, AuxiliaryVectorIsEmpty) {
    EXPECT_EQ(cpp_sel4_getauxval(AT_HWCAP), 0u);
    EXPECT_EQ(cpp_sel4___getauxval(AT_HWCAP2), 0u);
}

TEST(OsSurface, SingleThreadedUntilTheRuntimeSaysOtherwise) {
    EXPECT_EQ(cpp_sel4___libc_single_threaded, 1);
    sel4_runtime::set_multi_threaded();
    EXPECT_EQ(cpp_sel4___libc_single_threaded, 0);
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

TEST(OsSurface, FloorMatchesGlibc) {
    std::mt19937_64 random{77};
    long mismatches = 0;
    for (int i = 0; i < 1000000; ++i) {
        double x;
        switch (i % 4) {
        case 0: x = __builtin_bit_cast(double, random()); break;
        case 1: x = std::ldexp(static_cast<double>(static_cast<std::int64_t>(random())), -static_cast<int>(random() % 70)); break;
        case 2: x = (static_cast<double>(random() % 2000001) - 1000000.0) / 8.0; break;
        default: x = std::ldexp(static_cast<double>(static_cast<std::int64_t>(random() >> 10)), -static_cast<int>(random() % 60)); break;
        }
        const double ours = cpp_sel4_floor(x), theirs = std::floor(x);
        if (!(same_bits(ours, theirs) || (std::isnan(ours) && std::isnan(theirs))) && ++mismatches <= 10)
            ADD_FAILURE() << "floor(" << x << "): glibc " << theirs << ", ours " << ours;
    }
    EXPECT_EQ(mismatches, 0);
    for (double x : {0.0, -0.0, 0.5, -0.5, 1e-320, -1e-320, 1.0, -1.0, -1.5, 4503599627370495.5, -4503599627370495.5,
                     9007199254740993.0, double{INFINITY}, -double{INFINITY}})
        EXPECT_TRUE(same_bits(cpp_sel4_floor(x), std::floor(x))) << x;
    EXPECT_TRUE(std::isnan(cpp_sel4_floor(NAN)));
}

} // namespace
