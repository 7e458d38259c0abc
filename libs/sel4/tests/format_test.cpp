// sel4::fmt against std::format-like expectations (GCC 12 has no <format>, so the
// expected strings are written out, and integers are also checked against snprintf).
#include <sel4/format.hpp>

#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <random>
#include <string>

namespace {

template <class... Args> std::string format(std::string_view f, const Args &...args) {
    std::string out;
    sel4::fmt::format_to([&](char c) { out.push_back(c); }, f, args...);
    return out;
}

enum class Colour : unsigned { Red = 7 };

TEST(Format, PlainTextAndBraces) {
    EXPECT_EQ(format("hello"), "hello");
    EXPECT_EQ(format("{{}} {{x}}"), "{} {x}");
    EXPECT_EQ(format(""), "");
}

TEST(Format, Integers) {
    EXPECT_EQ(format("{} {} {}", 0, 42, -17), "0 42 -17");
    EXPECT_EQ(format("{:x} {:#x}", 255u, 255u), "ff 0xff");
    EXPECT_EQ(format("{:b} {:#b}", 5, 5), "101 0b101");
    EXPECT_EQ(format("{}", INT64_MIN), "-9223372036854775808");
    EXPECT_EQ(format("{}", UINT64_MAX), "18446744073709551615");
    EXPECT_EQ(format("{:#x}", UINT64_MAX), "0xffffffffffffffff");
    EXPECT_EQ(format("{:x}", std::int8_t{-1}), "ff");
    EXPECT_EQ(format("{}", Colour::Red), "7");
}

TEST(Format, OtherTypes) {
    EXPECT_EQ(format("{} {}", true, false), "true false");
    EXPECT_EQ(format("[{}]", 'c'), "[c]");
    EXPECT_EQ(format("{:c}", 65), "A");
    EXPECT_EQ(format("{}-{}", "abc", std::string_view("de")), "abc-de");
    EXPECT_EQ(format("{}", reinterpret_cast<void *>(0x1234)), "0x1234");
}

TEST(Format, FieldsAndArgumentsOutOfStep) {
    EXPECT_EQ(format("{} and {}", 1), "1 and {?}");
    EXPECT_EQ(format("{}", 1, 2), "1");
    EXPECT_EQ(format("tail {} x", 3), "tail 3 x");
    EXPECT_EQ(format("{unclosed", 3), "3");
}

TEST(Format, RandomIntegersMatchSnprintf) {
    std::mt19937_64 random(7);
    for (int i = 0; i < 10000; ++i) {
        std::int64_t s = static_cast<std::int64_t>(random());
        std::uint64_t u = random() >> (random() % 64);
        char expected[128];
        std::snprintf(expected, sizeof expected, "%" PRId64 " %" PRIx64 " 0x%" PRIx64 " %" PRIu64, s, u, u, u);
        ASSERT_EQ(format("{} {:x} {:#x} {}", s, u, u, u), expected);
    }
}

} // namespace
