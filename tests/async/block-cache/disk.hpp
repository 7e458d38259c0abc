// What the two PDs of async.block-cache agree on: the RAM disk's size and partitions, the
// bytes it starts with, the bytes the client writes, and the queues' sizes.
//
// The disk: 256 blocks of 4 KiB (1 MiB, 2048 sectors of 512 bytes). Sector 0 holds an MBR
// with two partitions, aligned to 4 KiB blocks:
//   entry 0: type 0x0c (FAT32 LBA), sectors 8..511     = blocks 1..63;
//   entry 1: type 0x83 (Linux), bootable, sectors 512..1535 = blocks 64..191;
// blocks 192..255 belong to no partition. Every other byte is disk_byte(offset).
#pragma once

#include <sel4/block/mbr.hpp>
#include <sel4/microkit.hpp>
#include <sel4/shared_memory.hpp>

#include <array>
#include <cstddef>
#include <cstdint>

namespace block_cache {

namespace mk = sel4::microkit;
namespace sm = sel4::shared_memory;

inline constexpr std::size_t block_bytes = 4096;
inline constexpr std::uint64_t disk_blocks = 256;
inline constexpr std::uint32_t queue_capacity = 16; ///< Of the request and the response queue.

/// The partition table the server writes.
inline constexpr std::array<sel4::block::MbrPartition, 2> partitions{
    sel4::block::MbrPartition{.index = 0, .bootable = false, .type = 0x0c, .first_sector = 8, .sector_count = 504},
    sel4::block::MbrPartition{.index = 1, .bootable = true, .type = 0x83, .first_sector = 512, .sector_count = 1024},
};

/// The byte at `offset` of the disk as the server fills it (outside the MBR): a different
/// sequence in every block, so that a block read from the wrong place shows.
constexpr std::byte disk_byte(std::uint64_t offset) noexcept {
    std::uint32_t x = static_cast<std::uint32_t>(offset) * 0x9e3779b1u;
    x ^= x >> 15;
    x ^= static_cast<std::uint32_t>(offset >> 12) * 0x85ebca6bu;
    return static_cast<std::byte>((x ^ (x >> 13)) & 0xff);
}

/// The byte the client writes at `offset` (and then expects there).
constexpr std::byte written_byte(std::uint64_t offset, std::uint8_t round) noexcept {
    return disk_byte(offset) ^ static_cast<std::byte>(0x5a + round);
}

/// The channel between the two (id 0 at both ends).
inline constexpr mk::Channel peer(0);

/// The region a map's setvar_vaddr and setvar_size describe.
inline sm::Region region(const mk::Variable<sel4::Word> &vaddr, const mk::Variable<sel4::Word> &size) noexcept {
    return sm::Region::at_address(vaddr.get(), size.get());
}

} // namespace block_cache
