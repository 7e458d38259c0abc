// The C string and memory functions that compilers call even in freestanding code
// (memcpy, memmove, memset, memcmp) and that libstdc++ needs (strlen, memchr, strcmp...).
// Built with -fno-builtin and -fno-tree-loop-distribute-patterns, so that the compiler
// does not turn these loops back into calls to themselves.
//
// The exported names are the C names on the target; the host unit tests, which compare
// these with the host C library, build them with CPP_SEL4_C_PREFIX in front.
#include <cstddef>
#include <cstdint>

#include "c_name.hpp"

namespace {

using Word = std::uintptr_t;
constexpr std::size_t word_size = sizeof(Word);

bool word_aligned(const void *a, const void *b) {
    return ((reinterpret_cast<Word>(a) | reinterpret_cast<Word>(b)) & (word_size - 1)) == 0;
}

} // namespace

extern "C" {

void *CPP_SEL4_C_NAME(memcpy)(void *__restrict dest, const void *__restrict src, std::size_t n) {
    auto *d = static_cast<unsigned char *>(dest);
    const auto *s = static_cast<const unsigned char *>(src);
    if (word_aligned(d, s)) {
        for (; n >= word_size; n -= word_size, d += word_size, s += word_size)
            *reinterpret_cast<Word *>(d) = *reinterpret_cast<const Word *>(s);
    }
    while (n-- > 0)
        *d++ = *s++;
    return dest;
}

void *CPP_SEL4_C_NAME(memmove)(void *dest, const void *src, std::size_t n) {
    auto *d = static_cast<unsigned char *>(dest);
    const auto *s = static_cast<const unsigned char *>(src);
    if (reinterpret_cast<Word>(d) - reinterpret_cast<Word>(s) >= n) // no harmful overlap: copy forwards
        return CPP_SEL4_C_NAME(memcpy)(dest, src, n);
    while (n-- > 0)
        d[n] = s[n];
    return dest;
}

void *CPP_SEL4_C_NAME(memset)(void *dest, int value, std::size_t n) {
    auto *d = static_cast<unsigned char *>(dest);
    const auto byte = static_cast<unsigned char>(value);
    while (n > 0 && (reinterpret_cast<Word>(d) & (word_size - 1)) != 0) {
        *d++ = byte;
        --n;
    }
    const Word pattern = Word{byte} * (~Word{0} / 0xff);
    for (; n >= word_size; n -= word_size, d += word_size)
        *reinterpret_cast<Word *>(d) = pattern;
    while (n-- > 0)
        *d++ = byte;
    return dest;
}

int CPP_SEL4_C_NAME(memcmp)(const void *a, const void *b, std::size_t n) {
    const auto *x = static_cast<const unsigned char *>(a);
    const auto *y = static_cast<const unsigned char *>(b);
    for (std::size_t i = 0; i < n; ++i)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

void *CPP_SEL4_C_NAME(memchr)(const void *s, int c, std::size_t n) {
    const auto *p = static_cast<const unsigned char *>(s);
    for (std::size_t i = 0; i < n; ++i)
        if (p[i] == static_cast<unsigned char>(c))
            return const_cast<unsigned char *>(p + i);
    return nullptr;
}

std::size_t CPP_SEL4_C_NAME(strlen)(const char *s) {
    std::size_t n = 0;
    while (s[n] != '\0')
        ++n;
    return n;
}

int CPP_SEL4_C_NAME(strcmp)(const char *a, const char *b) {
    const auto *x = reinterpret_cast<const unsigned char *>(a);
    const auto *y = reinterpret_cast<const unsigned char *>(b);
    while (*x != '\0' && *x == *y)
        ++x, ++y;
    return *x == *y ? 0 : (*x < *y ? -1 : 1);
}

int CPP_SEL4_C_NAME(strncmp)(const char *a, const char *b, std::size_t n) {
    const auto *x = reinterpret_cast<const unsigned char *>(a);
    const auto *y = reinterpret_cast<const unsigned char *>(b);
    for (std::size_t i = 0; i < n; ++i) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
        if (x[i] == '\0')
            return 0;
    }
    return 0;
}

char *CPP_SEL4_C_NAME(strchr)(const char *s, int c) {
    const char wanted = static_cast<char>(c);
    for (;; ++s) {
        if (*s == wanted)
            return const_cast<char *>(s);
        if (*s == '\0')
            return nullptr;
    }
}

} // extern "C"
