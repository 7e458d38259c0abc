// What blk.read's client knows about the disk image make-disk.py writes: 8 MiB (2048 blocks
// of 4 KiB), an MBR in sector 0 with two partitions aligned to 4 KiB blocks, every other
// byte disk_byte(offset): byte offset % 4 of the little-endian word pattern(offset / 4).
#pragma once

#include <sel4/block/mbr.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace blk_read {

inline constexpr std::size_t block_bytes = 4096;
inline constexpr std::uint64_t disk_blocks = 2048;
inline constexpr std::size_t mbr_bytes = 512;
inline constexpr std::uint32_t disk_id = 0xc0ffee00;

/// The MBR's two partitions.
inline constexpr std::array<sel4::block::MbrPartition, 2> partitions{
    sel4::block::MbrPartition{.index = 0, .bootable = false, .type = 0x0c, .first_sector = 2048, .sector_count = 6144},
    sel4::block::MbrPartition{.index = 1, .bootable = true, .type = 0x83, .first_sector = 8192, .sector_count = 8192},
};

/// The 32-bit word `w` of the disk (make-disk.py's pattern()).
constexpr std::uint32_t pattern(std::uint64_t w) noexcept {
    std::uint32_t x = static_cast<std::uint32_t>(w) * 0x9e3779b1u;
    x ^= x >> 16;
    x *= 0x85ebca6bu;
    x ^= x >> 13;
    return x ^ static_cast<std::uint32_t>(w >> 10);
}

/// The byte at `offset` (outside sector 0).
constexpr std::byte disk_byte(std::uint64_t offset) noexcept {
    return static_cast<std::byte>(pattern(offset / 4) >> (8 * (offset % 4)));
}

/// The byte blk.write writes at `offset`.
constexpr std::byte written_byte(std::uint64_t offset) noexcept { return disk_byte(offset) ^ std::byte{0xa5}; }

} // namespace blk_read
