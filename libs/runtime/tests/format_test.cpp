// The runtime's printf engine (snprintf family) against glibc's, over random conversion
// specifications (flags, widths, precisions, '*', length modifiers) and random values of
// every argument type, with fixed seeds; and snprintf's truncation rules.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "../src/c_library.hpp"

namespace {

class Compare {
public:
    // Formats with both and compares result and text; on a mismatch, records it (the first
    // few are printed with the format).
    template <typename... Args> void operator()(const std::string &format, Args... args) {
        ++cases_;
        char theirs[4096], ours[4096];
        std::memset(theirs, 'T', sizeof theirs);
        std::memset(ours, 'O', sizeof ours);
        const int their_result = std::snprintf(theirs, sizeof theirs, format.c_str(), args...);
        const int our_result = cpp_sel4_snprintf(ours, sizeof ours, format.c_str(), args...);
        if (their_result != our_result || std::strcmp(theirs, ours) != 0) {
            if (++failures_ <= 20)
                ADD_FAILURE() << "format \"" << format << "\": glibc " << their_result << " \"" << theirs
                              << "\", ours " << our_result << " \"" << ours << "\"";
        }
    }
    ~Compare() {
        EXPECT_EQ(failures_, 0) << "mismatches in " << cases_ << " cases";
        std::printf("%ld cases compared\n", cases_);
    }

private:
    long cases_ = 0;
    long failures_ = 0;
};

class Formats : public ::testing::Test {
protected:
    std::mt19937_64 random{20240601};
    std::uint64_t below(std::uint64_t n) { return random() % n; }
    bool chance(int percent) { return below(100) < static_cast<std::uint64_t>(percent); }

    // "%" + flags from `allowed` + width + precision; '*' values go to `stars`.
    std::string spec(const char *allowed, bool precision_allowed, int stars[2], int &star_count) {
        std::string s = "%";
        const std::size_t flag_count = below(4);
        for (std::size_t i = 0; i < flag_count && allowed[0] != '\0'; ++i)
            s += allowed[below(std::strlen(allowed))];
        star_count = 0;
        switch (below(4)) {
        case 0: break;
        case 1: s += std::to_string(below(30)); break;
        case 2: s += std::to_string(below(30) + 1); break;
        default:
            s += '*';
            stars[star_count++] = static_cast<int>(below(61)) - 30;
        }
        if (precision_allowed) {
            switch (below(5)) {
            case 0: break;
            case 1: s += '.'; break;
            case 2: s += "." + std::to_string(below(40)); break;
            case 3: s += "." + std::to_string(below(4)); break;
            default:
                s += ".*";
                stars[star_count++] = static_cast<int>(below(40)) - 5;
            }
        }
        return s;
    }

    // Calls `compare` with the '*' arguments in front of `value`.
    template <typename T> void run(Compare &compare, const char *allowed, bool precision, const char *rest, T value) {
        int stars[2];
        int count;
        const std::string format = "<" + spec(allowed, precision, stars, count) + rest + ">";
        if (count == 0)
            compare(format, value);
        else if (count == 1)
            compare(format, stars[0], value);
        else
            compare(format, stars[0], stars[1], value);
    }

    // An integer of a random bit width, sometimes an edge value.
    std::uint64_t integer() {
        switch (below(8)) {
        case 0: return 0;
        case 1: return ~std::uint64_t{0};
        case 2: return std::uint64_t{1} << 63;
        case 3: return (std::uint64_t{1} << 63) - 1;
        default: return random() >> below(64);
        }
    }

    // Doubles of every kind: any bit pattern (denormals, huge, inf, nan), zeros, small
    // integers and binary fractions (exact ties when rounded), decimal-looking values.
    double floating() {
        switch (below(9)) {
        case 0: return __builtin_bit_cast(double, random());
        case 1: return chance(50) ? 0.0 : -0.0;
        case 2: return static_cast<double>(static_cast<std::int64_t>(below(2000000)) - 1000000);
        case 3: return std::ldexp(static_cast<double>(below(1 << 20)) - (1 << 19), -static_cast<int>(below(24)));
        case 4: return static_cast<double>(below(100000000)) / std::pow(10.0, static_cast<double>(below(12)));
        case 5: return std::ldexp(static_cast<double>(random() >> 11), static_cast<int>(below(2200)) - 1100);
        case 6: return chance(50) ? INFINITY : -NAN;
        case 7: return (chance(50) ? 1 : -1) * (static_cast<double>(below(1000)) + 0.5) * std::pow(10.0, -static_cast<double>(below(6)));
        default: return std::ldexp(1.0, static_cast<int>(below(2098)) - 1074);
        }
    }

    long double long_floating() {
        switch (below(5)) {
        case 0: return static_cast<long double>(floating());
        case 1: return std::ldexp(static_cast<long double>(random() | (std::uint64_t{1} << 63)), static_cast<int>(below(32000)) - 16000 - 64);
        case 2: return std::ldexp(static_cast<long double>(random() >> below(64)), static_cast<int>(below(200)) - 16445);
        case 3: return static_cast<long double>(below(100000000)) / std::pow(10.0L, static_cast<long double>(below(20)));
        default: return std::ldexp(static_cast<long double>(below(1 << 20)), -static_cast<int>(below(24))) * (chance(50) ? 1 : -1);
        }
    }
};

TEST_F(Formats, SignedIntegersMatchGlibc) {
    Compare compare;
    for (int i = 0; i < 60000; ++i) {
        const std::uint64_t v = integer();
        const char *conversion = chance(50) ? "d" : "i";
        const char *flags = "-+ 0";
        switch (below(8)) {
        case 0: run(compare, flags, true, (std::string("hh") + conversion).c_str(), static_cast<int>(static_cast<std::int64_t>(v))); break;
        case 1: run(compare, flags, true, (std::string("h") + conversion).c_str(), static_cast<int>(static_cast<std::int64_t>(v))); break;
        case 2: run(compare, flags, true, conversion, static_cast<int>(static_cast<std::int64_t>(v))); break;
        case 3: run(compare, flags, true, (std::string("l") + conversion).c_str(), static_cast<long>(v)); break;
        case 4: run(compare, flags, true, (std::string("ll") + conversion).c_str(), static_cast<long long>(v)); break;
        case 5: run(compare, flags, true, (std::string("j") + conversion).c_str(), static_cast<std::intmax_t>(v)); break;
        case 6: run(compare, flags, true, (std::string("z") + conversion).c_str(), static_cast<long>(v)); break;
        default: run(compare, flags, true, (std::string("t") + conversion).c_str(), static_cast<std::ptrdiff_t>(v)); break;
        }
    }
}

TEST_F(Formats, UnsignedIntegersMatchGlibc) {
    Compare compare;
    const char *conversions[] = {"u", "o", "x", "X"};
    for (int i = 0; i < 80000; ++i) {
        const std::uint64_t v = integer();
        const std::string c = conversions[below(4)];
        const char *flags = c == "u" ? "-0" : "-#0";
        switch (below(8)) {
        case 0: run(compare, flags, true, ("hh" + c).c_str(), static_cast<unsigned>(v)); break;
        case 1: run(compare, flags, true, ("h" + c).c_str(), static_cast<unsigned>(v)); break;
        case 2: run(compare, flags, true, c.c_str(), static_cast<unsigned>(v)); break;
        case 3: run(compare, flags, true, ("l" + c).c_str(), static_cast<unsigned long>(v)); break;
        case 4: run(compare, flags, true, ("ll" + c).c_str(), static_cast<unsigned long long>(v)); break;
        case 5: run(compare, flags, true, ("j" + c).c_str(), static_cast<std::uintmax_t>(v)); break;
        case 6: run(compare, flags, true, ("z" + c).c_str(), static_cast<std::size_t>(v)); break;
        default: run(compare, flags, true, ("t" + c).c_str(), static_cast<std::ptrdiff_t>(v)); break;
        }
    }
}

TEST_F(Formats, CharactersStringsAndPointersMatchGlibc) {
    Compare compare;
    const char *strings[] = {"", "a", "hello", "a longer string of text", "tab\tnewline\n", "\xc3\xa9t\xc3\xa9"};
    for (int i = 0; i < 40000; ++i) {
        switch (below(4)) {
        case 0: run(compare, "-", false, "c", static_cast<int>(below(255) + 1)); break;
        case 1: run(compare, "-", true, "s", strings[below(6)]); break;
        case 2: run(compare, "-+ 0", true, "p", reinterpret_cast<void *>(integer())); break;
        default: run(compare, "-", false, "p", static_cast<void *>(nullptr)); break;
        }
    }
    compare("%lc|%5lc|%-3lc|%ls|%.2ls|%8ls|%%|%5%", static_cast<wint_t>('x'), static_cast<wint_t>('y'),
            static_cast<wint_t>('z'), L"wide", L"wide", L"w");
    compare("%s|%.3s|%.6s", static_cast<char *>(nullptr), static_cast<char *>(nullptr), static_cast<char *>(nullptr));
}

TEST_F(Formats, DoublesMatchGlibc) {
    Compare compare;
    const char *conversions[] = {"f", "F", "e", "E", "g", "G", "a", "A"};
    for (int i = 0; i < 300000; ++i)
        run(compare, "-+ #0", true, conversions[below(8)], floating());
}

TEST_F(Formats, DoublesWithHighPrecisionMatchGlibc) {
    Compare compare;
    const char *conversions[] = {"f", "e", "g", "a"};
    for (int i = 0; i < 20000; ++i)
        compare("%." + std::to_string(below(1100)) + conversions[below(4)], floating());
    compare("%.1100f", 4.9406564584124654e-324); // every digit of the smallest denormal
    compare("%.1100f|%.800e", DBL_MAX, DBL_MIN);
}

TEST_F(Formats, LongDoublesMatchGlibc) {
    Compare compare;
    const char *conversions[] = {"Lf", "Le", "Lg", "La", "LE", "LG", "LA", "LF"};
    for (int i = 0; i < 8000; ++i) // fewer: a long double can have 11,000 digits
        run(compare, "-+ #0", true, conversions[below(8)], long_floating());
    compare("%.12000Lf", std::numeric_limits<long double>::denorm_min());
    compare("%.60Le|%La|%LA", LDBL_MAX, LDBL_MAX, LDBL_MIN);
}

TEST_F(Formats, RoundingTiesGoToEven) {
    Compare compare;
    for (double v : {0.5, 1.5, 2.5, 3.5, -0.5, -2.5, 0.125, 0.375, 1e22, 9.5, 99.5, 999.5, 0.05, 0.25, 2.675})
        for (const char *f : {"%.0f", "%.1f", "%.2f", "%.0e", "%.1e", "%.1g", "%.2g", "%.0a", "%.1a", "%#.0f", "%#.0e", "%#g"})
            compare(f, v);
    for (double v : {0x1.08p0, 0x1.18p0, 0x1.8p0, 0x1.fffffffffffffp0, 0x1.0000000000008p0})
        for (const char *f : {"%.0a", "%.1a", "%.12a", "%.13a", "%.20a"})
            compare(f, v);
    for (long double v : {0xf.8p0L, 0xf.fp0L, 0x8.8p0L, 0x9.8p0L, 0xf.fffffffffffffffp0L})
        for (const char *f : {"%.0La", "%.1La", "%.15La"})
            compare(f, v);
}

TEST_F(Formats, WhatLibstdcxxFormatsMatchesGlibc) {
    Compare compare;
    // std::to_string(double) and (long double): "%f" / "%Lf"; the demangler's sprintf "%ld".
    for (int i = 0; i < 20000; ++i) {
        compare("%f", floating());
        compare("%ld", static_cast<long>(integer()));
    }
    for (int i = 0; i < 4000; ++i)
        compare("%Lf", long_floating());
}

TEST_F(Formats, MixedFormatsMatchGlibc) {
    Compare compare;
    compare("text only, no conversions");
    compare("");
    compare("%d%s%c%%%5.2f|%-8x|%+.3e|%#o|%p|%zu|%hhd|%lld", 42, "str", 'c', 3.14159, 255u, -1234.5, 8u,
            reinterpret_cast<void *>(0x1234), std::size_t{99}, 300, -9000000000LL);
    compare("%*.*d|%-*d|%.*s|%*s", 10, 5, -42, -6, 7, 3, "abcdef", -4, "x");
}

TEST(FormatCount, PercentNStoresTheCountSoFar) {
    int n = -1;
    signed char hh = -1;
    long l = -1;
    char buffer[64];
    EXPECT_EQ(cpp_sel4_snprintf(buffer, sizeof buffer, "abc%n%5d%hhn|%ln", &n, 7, &hh, &l), 9);
    EXPECT_EQ(n, 3);
    EXPECT_EQ(hh, 8);
    EXPECT_EQ(l, 9);
}

TEST(FormatUnsupported, PositionalAndUnknownConversionsFail) {
    char buffer[64];
    EXPECT_EQ(cpp_sel4_snprintf(buffer, sizeof buffer, "%1$d", 5), -1);
    EXPECT_EQ(cpp_sel4_snprintf(buffer, sizeof buffer, "%y"), -1);
    EXPECT_EQ(cpp_sel4_snprintf(buffer, sizeof buffer, "%lc", static_cast<wint_t>(0xe9)), -1);
    EXPECT_EQ(cpp_sel4_snprintf(buffer, sizeof buffer, "%ls", L"caf\u00e9"), -1);
}

TEST_F(Formats, TruncationMatchesGlibc) {
    const char *formats[] = {"%d apples and %s", "%.10f|%e", "%-20s|", "%x%x%x%x"};
    for (int i = 0; i < 20000; ++i) {
        const int kind = static_cast<int>(below(4));
        const std::size_t size = below(48);
        char theirs[64], ours[64];
        std::memset(theirs, 'T', sizeof theirs);
        std::memset(ours, 'T', sizeof ours);
        int their_result, our_result;
        const int a = static_cast<int>(random());
        const double d = floating();
        switch (kind) {
        case 0:
            their_result = std::snprintf(theirs, size, formats[0], a, "pears");
            our_result = cpp_sel4_snprintf(ours, size, formats[0], a, "pears");
            break;
        case 1:
            their_result = std::snprintf(theirs, size, formats[1], d, d);
            our_result = cpp_sel4_snprintf(ours, size, formats[1], d, d);
            break;
        case 2:
            their_result = std::snprintf(theirs, size, formats[2], "short");
            our_result = cpp_sel4_snprintf(ours, size, formats[2], "short");
            break;
        default:
            their_result = std::snprintf(theirs, size, formats[3], a, a, a, a);
            our_result = cpp_sel4_snprintf(ours, size, formats[3], a, a, a, a);
        }
        ASSERT_EQ(their_result, our_result) << formats[kind] << " size " << size;
        ASSERT_EQ(0, std::memcmp(theirs, ours, sizeof theirs)) << formats[kind] << " size " << size;
    }
}

TEST(FormatTruncation, SizeZeroWritesNothingAndCounts) {
    char c = 'x';
    EXPECT_EQ(cpp_sel4_snprintf(&c, 0, "%s %d", "hello", 12345), 11);
    EXPECT_EQ(c, 'x');
    EXPECT_EQ(cpp_sel4_snprintf(nullptr, 0, "%08.3f", -1.5), 8);
    char one[1] = {'y'};
    EXPECT_EQ(cpp_sel4_snprintf(one, 1, "abc"), 3);
    EXPECT_EQ(one[0], '\0');
}

TEST(FormatSprintf, SprintfAndVsprintfWriteWholeOutput) {
    char buffer[128];
    EXPECT_EQ(cpp_sel4_sprintf(buffer, "%s=%-5d|%.3e", "key", -17, 12345.678), 19);
    EXPECT_STREQ(buffer, "key=-17  |1.235e+04");
    auto via_v = [](char *b, const char *f, ...) {
        va_list args;
        va_start(args, f);
        const int r = cpp_sel4_vsprintf(b, f, args);
        va_end(args);
        return r;
    };
    EXPECT_EQ(via_v(buffer, "%c%c%lu", 'o', 'k', 77ul), 4);
    EXPECT_STREQ(buffer, "ok77");
}

} // namespace
