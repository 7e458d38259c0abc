/// @file
/// Region: memory shared with another protection domain, and the checked views into it.
#pragma once

#include <sel4/shared_memory/error.hpp>
#include <sel4/shared_memory/ref.hpp>
#include <sel4/shared_memory/slice.hpp>
#include <sel4/shared_memory/volatile_copy.hpp>

#include <cstddef>
#include <cstdint>
#include <span>

namespace sel4::shared_memory {

/// A mapping of memory shared with another protection domain: `size` bytes at `base` (from a
/// Microkit memory region's setvar_vaddr and its size in the system description, or any
/// address and size). Every view into it is checked against the bounds and the type's
/// alignment, and the check's failure is a value:
///
/// ```cpp
/// Region shared = Region::at_address(ring_vaddr, 0x1000);
/// auto header = shared.ref<Header>(0);                        // Result<Ref<Header>>
/// auto slots = shared.slice<Descriptor>(sizeof(Header), 64);  // Result<Slice<Descriptor>>
/// if (!slots) log(describe(slots.error()));
/// ```
///
/// A Region is a plain value (it owns nothing); copying it copies the view.
struct Region {
    std::byte *base = nullptr; ///< The first byte.
    std::size_t size = 0;      ///< The number of bytes.

    /// The `size` bytes at address `address`.
    static Region at_address(std::uintptr_t address, std::size_t size) noexcept {
        return Region{reinterpret_cast<std::byte *>(address), size};
    }

    /// The address of the first byte.
    std::uintptr_t address() const noexcept { return reinterpret_cast<std::uintptr_t>(base); }

    /// Whether the `length` bytes at `offset` lie inside the region (no overflow possible).
    constexpr bool contains(std::size_t offset, std::size_t length) const noexcept {
        return offset <= size && length <= size - offset;
    }

    /// The `length` bytes at `offset`, or Error::out_of_bounds.
    Result<Region> subregion(std::size_t offset, std::size_t length) const noexcept {
        if (!contains(offset, length))
            return std::unexpected(Error::out_of_bounds);
        return Region{base + offset, length};
    }

    /// The `T` at `offset`: Error::out_of_bounds when it does not fit, Error::misaligned when
    /// its address is not a multiple of alignof(T).
    template <class T> Result<Ref<T>> ref(std::size_t offset) const noexcept {
        if (auto checked = check<T>(offset, 1); !checked)
            return std::unexpected(checked.error());
        return Ref<T>(reinterpret_cast<T *>(base + offset));
    }

    /// The `count` `T`s at `offset`, checked as ref() is.
    template <class T> Result<Slice<T>> slice(std::size_t offset, std::size_t count) const noexcept {
        if (auto checked = check<T>(offset, count); !checked)
            return std::unexpected(checked.error());
        return Slice<T>(reinterpret_cast<T *>(base + offset), count);
    }

    /// Copies `bytes` into the region at `offset` (volatile stores), or Error::out_of_bounds
    /// and copies nothing.
    Result<void> copy_in(std::size_t offset, std::span<const std::byte> bytes) const noexcept {
        if (!contains(offset, bytes.size()))
            return std::unexpected(Error::out_of_bounds);
        detail::copy_to_shared(base + offset, bytes.data(), bytes.size());
        return {};
    }

    /// Copies `bytes.size()` bytes from the region at `offset` into `bytes` (volatile loads), or
    /// Error::out_of_bounds and copies nothing.
    Result<void> copy_out(std::size_t offset, std::span<std::byte> bytes) const noexcept {
        if (!contains(offset, bytes.size()))
            return std::unexpected(Error::out_of_bounds);
        detail::copy_from_shared(bytes.data(), base + offset, bytes.size());
        return {};
    }

private:
    template <class T> Result<void> check(std::size_t offset, std::size_t count) const noexcept {
        static_assert(std::is_trivially_copyable_v<T>, "shared memory holds plain values: T must be trivially copyable");
        if (offset > size || count > (size - offset) / sizeof(T))
            return std::unexpected(Error::out_of_bounds);
        if ((address() + offset) % alignof(T) != 0)
            return std::unexpected(Error::misaligned);
        return {};
    }
};

} // namespace sel4::shared_memory
