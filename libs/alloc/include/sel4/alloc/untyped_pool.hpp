/// @file
/// Where the next object of a given size goes among a set of untypeds, mirroring the kernel:
/// each untyped hands out memory from a watermark upwards, every object aligned to its own
/// size (seL4's retype places an object at the next multiple of its size after the previous
/// one). Pure bookkeeping, with no system calls, so that it is tested on the host.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace sel4::alloc {

/// Where the next object goes among a set of untypeds, as the kernel will place it. Not
/// thread-safe; Allocator locks around it.
class UntypedPool {
public:
    /// The most untypeds a pool holds (the kernel's CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS is 230).
    static constexpr std::size_t capacity = 256;

    /// Where an object goes.
    struct Placement {
        std::uintptr_t untyped; ///< The untyped's CPtr.
        std::uintptr_t offset;  ///< The object's offset from the untyped's start.
    };

    /// Adds the untyped at `cptr` of 2^`size_bits` bytes at physical address `paddr` (device
    /// memory is never handed out for objects); false when the pool is full or `size_bits`
    /// is not less than a word's bits.
    bool add(std::uintptr_t cptr, std::uintptr_t paddr, unsigned size_bits, bool device) noexcept;

    /// Reserves room for an object of 2^`size_bits` bytes in the smallest untyped that still
    /// has room (keeping large untypeds for large objects); nullopt when none has.
    std::optional<Placement> reserve(unsigned size_bits) noexcept;

    /// The kernel refused a retype from the untyped at `cptr` (its memory was used by someone
    /// else): hand out nothing more from it.
    void exhaust(std::uintptr_t cptr) noexcept;

    /// Bytes still free in non-device untypeds (alignment gaps aside).
    std::uintptr_t free_bytes() const noexcept;
    /// The number of untypeds added.
    std::size_t size() const noexcept { return count_; }

private:
    struct Entry {
        std::uintptr_t cptr;
        std::uintptr_t paddr;
        std::uintptr_t used;
        std::uint8_t size_bits;
        bool device;
    };
    Entry entries_[capacity]{};
    std::size_t count_ = 0;
};

} // namespace sel4::alloc
