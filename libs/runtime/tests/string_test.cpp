// The runtime's memory and string functions against the host C library, over random
// sizes, alignments, overlaps and contents.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

extern "C" {
void *cpp_sel4_memcpy(void *, const void *, std::size_t);
void *cpp_sel4_memmove(void *, const void *, std::size_t);
void *cpp_sel4_memset(void *, int, std::size_t);
int cpp_sel4_memcmp(const void *, const void *, std::size_t);
void *cpp_sel4_memchr(const void *, int, std::size_t);
std::size_t cpp_sel4_strlen(const char *);
int cpp_sel4_strcmp(const char *, const char *);
char *cpp_sel4_strchr(const char *, int);
int cpp_sel4_strncmp(const char *, const char *, std::size_t);
}

namespace {

int sign(int v) { return (v > 0) - (v < 0); }

class StringFunctions : public ::testing::Test {
protected:
    std::mt19937 random{1234};
    std::vector<unsigned char> buffer(std::size_t n) {
        std::vector<unsigned char> b(n);
        for (auto &c : b)
            c = static_cast<unsigned char>(random());
        return b;
    }
    std::size_t below(std::size_t n) { return random() % n; }
};

TEST_F(StringFunctions, MemcpyAndMemsetMatchTheCLibrary) {
    for (int round = 0; round < 20000; ++round) {
        const std::size_t n = below(200), from = below(16), to = below(16);
        auto source = buffer(256), ours = buffer(256);
        auto theirs = ours;
        EXPECT_EQ(cpp_sel4_memcpy(ours.data() + to, source.data() + from, n), ours.data() + to);
        std::memcpy(theirs.data() + to, source.data() + from, n);
        ASSERT_EQ(ours, theirs) << "memcpy n=" << n << " from=" << from << " to=" << to;
        const int value = static_cast<int>(random());
        cpp_sel4_memset(ours.data() + to, value, n);
        std::memset(theirs.data() + to, value, n);
        ASSERT_EQ(ours, theirs) << "memset n=" << n;
    }
}

TEST_F(StringFunctions, MemmoveHandlesOverlapBothWays) {
    for (int round = 0; round < 20000; ++round) {
        const std::size_t n = below(120), from = below(130), to = below(130);
        auto ours = buffer(256);
        auto theirs = ours;
        cpp_sel4_memmove(ours.data() + to, ours.data() + from, n);
        std::memmove(theirs.data() + to, theirs.data() + from, n);
        ASSERT_EQ(ours, theirs) << "memmove n=" << n << " from=" << from << " to=" << to;
    }
}

TEST_F(StringFunctions, ComparisonsAndSearchesMatchTheCLibrary) {
    for (int round = 0; round < 20000; ++round) {
        const std::size_t n = below(64);
        auto a = buffer(n + 1), b = a;
        for (auto &c : a)
            c = static_cast<unsigned char>(c % 4); // small alphabet: many equal prefixes and zeros
        for (auto &c : b)
            c = static_cast<unsigned char>(c % 4);
        if (random() % 2)
            b = a;
        if (n > 0 && random() % 2)
            b[below(n)] = static_cast<unsigned char>(random());
        ASSERT_EQ(sign(cpp_sel4_memcmp(a.data(), b.data(), n)), sign(std::memcmp(a.data(), b.data(), n)));
        const int c = static_cast<int>(random() % 5);
        ASSERT_EQ(cpp_sel4_memchr(a.data(), c, n), std::memchr(a.data(), c, n));
        a.back() = b.back() = 0;
        const char *sa = reinterpret_cast<const char *>(a.data()), *sb = reinterpret_cast<const char *>(b.data());
        ASSERT_EQ(cpp_sel4_strlen(sa), std::strlen(sa));
        ASSERT_EQ(sign(cpp_sel4_strcmp(sa, sb)), sign(std::strcmp(sa, sb)));
        ASSERT_EQ(cpp_sel4_strchr(sa, c), std::strchr(sa, c)); // c == 0 finds the terminator
        const std::size_t limit = below(n + 2);
        ASSERT_EQ(sign(cpp_sel4_strncmp(sa, sb, limit)), sign(std::strncmp(sa, sb, limit)));
    }
}

TEST_F(StringFunctions, HighBytesCompareAsUnsigned) {
    const unsigned char a[] = {0x80, 0}, b[] = {0x7f, 0};
    EXPECT_GT(cpp_sel4_memcmp(a, b, 1), 0);
    EXPECT_GT(cpp_sel4_strcmp(reinterpret_cast<const char *>(a), reinterpret_cast<const char *>(b)), 0);
}

} // namespace
