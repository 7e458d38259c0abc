/// @file
/// Finding a device among the virtio-mmio slots of a memory region: QEMU's virt machines
/// have 32 slots 0x200 apart on aarch64 (0xa000000 + 0x200 * n, eight to a page) and 8 slots
/// a page apart on riscv64 (0x10001000 + 0x1000 * n). A driver maps the page of its slot and
/// takes the first slot there with its DeviceID (checked with MagicValue and Version).
#pragma once

#include <sel4/virtio/error.hpp>
#include <sel4/virtio/mmio.hpp>

#include <cstddef>
#include <cstdint>

namespace sel4::virtio {

/// The distance between two virtio-mmio slots on this world's QEMU virt machine.
#if defined(__aarch64__)
inline constexpr std::size_t slot_stride = 0x200;
#else
inline constexpr std::size_t slot_stride = 0x1000;
#endif

/// A slot found by find_slot.
struct Slot {
    std::uintptr_t vaddr = 0; ///< Its registers in this PD.
    std::size_t offset = 0;   ///< Its offset from the region's start.
};

/// The first slot in `size` bytes at `vaddr` whose device is a modern `type`. Without one,
/// the error of the first slot that had a virtio device (wrong_device, bad_version), or
/// no_device / bad_magic when none had.
inline Result<Slot> find_slot(std::uintptr_t vaddr, std::size_t size, DeviceType type) noexcept {
    // The most telling error: another device or a legacy one, else an empty slot, else none.
    auto rank = [](ErrorCode code) { return code == ErrorCode::bad_magic ? 0 : code == ErrorCode::no_device ? 1 : 2; };
    Error best{.code = ErrorCode::bad_magic};
    for (std::size_t offset = 0; offset < size; offset += slot_stride) {
        Transport<MmioBus> transport{MmioBus(vaddr + offset)};
        auto probed = transport.probe(type);
        if (probed)
            return Slot{vaddr + offset, offset};
        if (rank(probed.error().code) > rank(best.code))
            best = probed.error();
    }
    return std::unexpected(best);
}

} // namespace sel4::virtio
