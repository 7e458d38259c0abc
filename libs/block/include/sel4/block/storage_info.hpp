/// @file
/// The storage information of an sDDF block device (include/sddf/blk/storage_info.h,
/// blk_storage_info_t, bit-for-bit): what the server publishes in its own 4 KiB region for
/// the client before it serves requests (the size, the sector size, whether it is read-only),
/// with `ready` set last.
#pragma once

#include <sel4/shared_memory.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sel4::block {

/// The size of the region that holds a StorageInfo (BLK_STORAGE_INFO_REGION_SIZE).
inline constexpr std::size_t storage_info_region_bytes = 0x1000;

/// sDDF's blk_storage_info_t (88 bytes).
struct StorageInfo {
    char serial_number[64] = {};    ///< NUL-terminated (BLK_MAX_SERIAL_NUMBER 63 + 1).
    bool read_only = false;         ///< The device refuses writes.
    bool ready = false;             ///< The rest is filled in (stored last, with release).
    std::uint16_t sector_size = 0;  ///< The disk's sector, in bytes (512 for virtio-blk).
    std::uint16_t block_size = 0;   ///< The optimal block size, in 4 KiB transfer units.
    std::uint16_t queue_depth = 0;  ///< Requests the device takes at once.
    std::uint16_t cylinders = 0;    ///< Geometry, for file system layout.
    std::uint16_t heads = 0;        ///< Geometry.
    std::uint16_t blocks = 0;       ///< Geometry (sectors per track).
    std::uint64_t capacity = 0;     ///< The size, in 4 KiB transfer units.
};
static_assert(sizeof(StorageInfo) == 88 && alignof(StorageInfo) == 8);
static_assert(offsetof(StorageInfo, read_only) == 64 && offsetof(StorageInfo, ready) == 65 &&
              offsetof(StorageInfo, sector_size) == 66 && offsetof(StorageInfo, block_size) == 68 &&
              offsetof(StorageInfo, queue_depth) == 70 && offsetof(StorageInfo, cylinders) == 72 &&
              offsetof(StorageInfo, heads) == 74 && offsetof(StorageInfo, blocks) == 76 &&
              offsetof(StorageInfo, capacity) == 80);

/// The StorageInfo at the start of a shared region: the server publishes it, the client
/// waits for it to be ready and reads it. `ready` is only ever accessed atomically, the other
/// fields with volatile accesses, field by field.
class SharedStorageInfo {
public:
    /// The StorageInfo at the start of `region`: shared_memory's errors when it does not fit
    /// or is misaligned.
    static shared_memory::Result<SharedStorageInfo> attach(shared_memory::Region region) noexcept {
        auto info = region.ref<StorageInfo>(0);
        if (!info)
            return std::unexpected(info.error());
        return SharedStorageInfo(region, *info);
    }

    /// Server: clears `ready`, writes the fields of `info`, then sets `ready` (release), so
    /// that a client that sees it ready sees the rest.
    void publish(const StorageInfo &info) const noexcept {
        info_.store<&StorageInfo::ready>(false, std::memory_order_release);
        (void)region_.copy_in(0, std::as_bytes(std::span(info.serial_number)));
        info_.write<&StorageInfo::read_only>(info.read_only);
        info_.write<&StorageInfo::sector_size>(info.sector_size);
        info_.write<&StorageInfo::block_size>(info.block_size);
        info_.write<&StorageInfo::queue_depth>(info.queue_depth);
        info_.write<&StorageInfo::cylinders>(info.cylinders);
        info_.write<&StorageInfo::heads>(info.heads);
        info_.write<&StorageInfo::blocks>(info.blocks);
        info_.write<&StorageInfo::capacity>(info.capacity);
        info_.store<&StorageInfo::ready>(true, std::memory_order_release);
    }
    /// Server: marks the device not ready (removed, or initialising again).
    void withdraw() const noexcept { info_.store<&StorageInfo::ready>(false, std::memory_order_release); }

    /// Client: whether the server has published the information (acquire).
    bool ready() const noexcept { return info_.load<&StorageInfo::ready>(std::memory_order_acquire); }
    /// Client: the information (meaningful once ready() was true).
    StorageInfo read() const noexcept {
        StorageInfo info;
        info.ready = ready();
        (void)region_.copy_out(0, std::as_writable_bytes(std::span(info.serial_number)));
        info.serial_number[sizeof info.serial_number - 1] = '\0';
        info.read_only = info_.read<&StorageInfo::read_only>();
        info.sector_size = info_.read<&StorageInfo::sector_size>();
        info.block_size = info_.read<&StorageInfo::block_size>();
        info.queue_depth = info_.read<&StorageInfo::queue_depth>();
        info.cylinders = info_.read<&StorageInfo::cylinders>();
        info.heads = info_.read<&StorageInfo::heads>();
        info.blocks = info_.read<&StorageInfo::blocks>();
        info.capacity = info_.read<&StorageInfo::capacity>();
        return info;
    }

private:
    SharedStorageInfo(shared_memory::Region region, shared_memory::Ref<StorageInfo> info) noexcept
        : region_(region), info_(info) {}
    shared_memory::Region region_;
    shared_memory::Ref<StorageInfo> info_;
};

} // namespace sel4::block
