/// @file
/// Copies to and from memory that another protection domain may write at any time.
///
/// Every access to the shared side is volatile, so the compiler neither merges, repeats nor
/// drops them: a peer's concurrent change is read at most once per copy, never as two values
/// the compiler got by reading twice. Aligned runs move a word at a time (one load or store per
/// word); the rest byte by byte. The private side is accessed with memcpy, so any object's
/// bytes may be the source or the destination.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace sel4::shared_memory::detail {

inline constexpr std::size_t word_bytes = sizeof(std::uint64_t);

inline bool same_word_phase(const volatile void *a, const void *b) noexcept {
    return ((reinterpret_cast<std::uintptr_t>(a) ^ reinterpret_cast<std::uintptr_t>(b)) & (word_bytes - 1)) == 0;
}

/// Copies `n` bytes from private memory `from` to shared memory `to`.
inline void copy_to_shared(volatile std::byte *to, const std::byte *from, std::size_t n) noexcept {
    std::size_t i = 0;
    if (same_word_phase(to, from)) {
        for (; i < n && (reinterpret_cast<std::uintptr_t>(to + i) & (word_bytes - 1)) != 0; ++i)
            to[i] = from[i];
        for (; n - i >= word_bytes; i += word_bytes) {
            std::uint64_t value;
            std::memcpy(&value, from + i, word_bytes);
            *reinterpret_cast<volatile std::uint64_t *>(to + i) = value;
        }
    }
    for (; i < n; ++i)
        to[i] = from[i];
}

/// Copies `n` bytes from shared memory `from` to private memory `to`.
inline void copy_from_shared(std::byte *to, const volatile std::byte *from, std::size_t n) noexcept {
    std::size_t i = 0;
    if (same_word_phase(from, to)) {
        for (; i < n && (reinterpret_cast<std::uintptr_t>(from + i) & (word_bytes - 1)) != 0; ++i)
            to[i] = from[i];
        for (; n - i >= word_bytes; i += word_bytes) {
            const std::uint64_t value = *reinterpret_cast<const volatile std::uint64_t *>(from + i);
            std::memcpy(to + i, &value, word_bytes);
        }
    }
    for (; i < n; ++i)
        to[i] = from[i];
}

/// The widest unsigned word that tiles a `T` at `T`'s alignment: the unit in which a whole `T`
/// is read or written (a 16-byte descriptor is two 8-byte accesses, never sixteen bytes).
template <class T> struct TileWord {
    using type = std::conditional_t<
        alignof(T) >= 8 && sizeof(T) % 8 == 0, std::uint64_t,
        std::conditional_t<alignof(T) >= 4 && sizeof(T) % 4 == 0, std::uint32_t,
                           std::conditional_t<alignof(T) >= 2 && sizeof(T) % 2 == 0, std::uint16_t, std::uint8_t>>>;
};

/// The `T` at `at` in shared memory, read in words of TileWord<T>, each once.
template <class T> T read_whole(const volatile void *at) noexcept {
    using W = typename TileWord<T>::type;
    std::array<W, sizeof(T) / sizeof(W)> words;
    const volatile W *from = static_cast<const volatile W *>(at);
    for (std::size_t i = 0; i < words.size(); ++i)
        words[i] = from[i];
    return std::bit_cast<T>(words);
}

/// Writes `value` to `at` in shared memory, in words of TileWord<T>, each once.
template <class T> void write_whole(volatile void *at, const T &value) noexcept {
    using W = typename TileWord<T>::type;
    const auto words = std::bit_cast<std::array<W, sizeof(T) / sizeof(W)>>(value);
    volatile W *to = static_cast<volatile W *>(at);
    for (std::size_t i = 0; i < words.size(); ++i)
        to[i] = words[i];
}

} // namespace sel4::shared_memory::detail
