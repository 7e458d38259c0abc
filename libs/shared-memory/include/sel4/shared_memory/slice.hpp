/// @file
/// Slice<T>: consecutive `T`s in memory shared with another protection domain.
#pragma once

#include <sel4/shared_memory/error.hpp>
#include <sel4/shared_memory/ref.hpp>

#include <cstddef>

namespace sel4::shared_memory {

/// `size()` consecutive `T`s at a checked place of a shared region (in bounds, aligned), each
/// reached as a Ref<T>. Made by Region::slice.
template <class T> class Slice {
public:
    /// No elements.
    constexpr Slice() noexcept = default;

    /// The number of elements.
    constexpr std::size_t size() const noexcept { return size_; }
    /// Whether there are none.
    constexpr bool empty() const noexcept { return size_ == 0; }

    /// Element `index`, or Error::out_of_bounds when `index >= size()`.
    Result<Ref<T>> at(std::size_t index) const noexcept {
        if (index >= size_)
            return std::unexpected(Error::out_of_bounds);
        return Ref<T>(first_ + index);
    }

    /// Element `index`, for indices that are in range by construction (an index modulo the
    /// size); one out of range stops the program (a trap), as a hardened std::span does.
    Ref<T> operator[](std::size_t index) const noexcept {
        if (index >= size_) [[unlikely]]
            __builtin_trap();
        return Ref<T>(first_ + index);
    }

    /// Element `index & (size() - 1)`: for a ring, `index % size()` when the size is a power
    /// of two. In bounds for every index (the mask is below the size), so only an empty slice
    /// is refused, with a trap. No division, no comparison with the index.
    Ref<T> wrapping(std::size_t index) const noexcept {
        if (size_ == 0) [[unlikely]]
            __builtin_trap();
        return Ref<T>(first_ + (index & (size_ - 1)));
    }

    /// The `count` elements from element `first`, or Error::out_of_bounds.
    Result<Slice> subslice(std::size_t first, std::size_t count) const noexcept {
        if (first > size_ || count > size_ - first)
            return std::unexpected(Error::out_of_bounds);
        return Slice(first_ + first, count);
    }

private:
    friend struct Region;

    Slice(T *first, std::size_t size) noexcept : first_(first), size_(size) {}

    T *first_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace sel4::shared_memory
