/// @file
/// Partition: a range of a device's blocks as a BlockDevice of its own; read_mbr() reads and
/// checks a device's MBR.
///
/// MBR entries count the disk's sectors (`sector_size`, 512 bytes unless told otherwise),
/// which need not be the device's blocks: an sDDF block device transfers 4 KiB blocks of a
/// disk of 512-byte sectors. A partition of such a device must then start and end on a
/// 4 KiB boundary (Error::partition_misaligned otherwise); partitioning tools align to 1 MiB.
#pragma once

#include <sel4/block/byte_reader.hpp>
#include <sel4/block/device.hpp>
#include <sel4/block/error.hpp>
#include <sel4/block/mbr.hpp>

#include <sel4/async/task.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>

namespace sel4::block {

/// Blocks `[first_block, first_block + block_count)` of a `Device`, as a device: block 0 of
/// the partition is block `first_block` of the device, and nothing outside the range can
/// be reached (Error::out_of_range). Refers to the device, which must outlive it.
template <BlockDevice Device> class Partition {
public:
    /// The partition of `count` blocks from `first` of `device`; Error::out_of_range when they
    /// reach past the device's end.
    static Result<Partition> of(Device &device, std::uint64_t first, std::uint64_t count) noexcept {
        if (first > device.block_count() || count > device.block_count() - first)
            return std::unexpected(Error::out_of_range);
        return Partition(device, first, count);
    }

    /// The partition that the MBR entry `entry` describes on `device` (whose disk has sectors
    /// of `sector_size` bytes): Error::partition_misaligned when it does not start and end on
    /// the device's blocks, Error::out_of_range when it ends past the device.
    static Result<Partition> of(Device &device, const MbrPartition &entry,
                                std::size_t sector_size = mbr_bytes) noexcept {
        const std::uint64_t block_size = device.block_size();
        const std::uint64_t first_byte = std::uint64_t{entry.first_sector} * sector_size;
        const std::uint64_t bytes = std::uint64_t{entry.sector_count} * sector_size;
        if (block_size == 0 || first_byte % block_size != 0 || bytes % block_size != 0)
            return std::unexpected(Error::partition_misaligned);
        return of(device, first_byte / block_size, bytes / block_size);
    }

    /// The device's block size.
    std::size_t block_size() const noexcept { return device_->block_size(); }
    /// The partition's number of blocks.
    std::uint64_t block_count() const noexcept { return count_; }
    /// Where it starts on the device.
    std::uint64_t first_block() const noexcept { return first_; }
    /// The device.
    Device &device() const noexcept { return *device_; }

    /// The device's read of the blocks, once they are checked against the partition.
    async::Task<Result<void>> read(std::uint64_t first, std::span<std::byte> buffer) {
        if (auto blocks = check_blocks(block_size(), count_, first, buffer.size()); !blocks)
            return failed(blocks.error());
        return device_->read(first_ + first, buffer);
    }
    /// The device's write of the blocks, once they are checked against the partition.
    async::Task<Result<void>> write(std::uint64_t first, std::span<const std::byte> data) {
        if (auto blocks = check_blocks(block_size(), count_, first, data.size()); !blocks)
            return failed(blocks.error());
        return device_->write(first_ + first, data);
    }
    /// The device's flush (of the whole device: a partition has no writes of its own).
    async::Task<Result<void>> flush() { return device_->flush(); }

    /// The device's read_part(), where it has one, checked against the partition.
    async::Task<Result<void>> read_part(std::uint64_t block, std::size_t offset, std::span<std::byte> buffer)
        requires PartialReadDevice<Device>
    {
        if (block >= count_)
            return failed(Error::out_of_range);
        return device_->read_part(first_ + block, offset, buffer);
    }

private:
    Partition(Device &device, std::uint64_t first, std::uint64_t count) noexcept
        : device_(&device), first_(first), count_(count) {}

    Device *device_;
    std::uint64_t first_;
    std::uint64_t count_;
};

/// Reads the MBR in the first `sector_size` bytes of `device` (sectors of `sector_size`
/// bytes, at least 512) and parses it against the device's size. A read error is an
/// MbrError with that reason and no entry.
template <BlockDevice Device, std::size_t MaxBlockBytes = 4096>
async::Task<std::expected<Mbr, MbrError>> read_mbr(Device &device, std::size_t sector_size = mbr_bytes) {
    if (sector_size < mbr_bytes)
        co_return std::unexpected(MbrError{Error::unsupported_block_size});
    ByteReader<Device, MaxBlockBytes> reader(device);
    std::array<std::byte, mbr_bytes> sector{};
    if (auto done = co_await checked(reader.read(0, sector)); !done)
        co_return std::unexpected(MbrError{done.error()});
    co_return Mbr::parse(sector, reader.size() / sector_size);
}

} // namespace sel4::block
