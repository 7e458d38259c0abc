/// @file
/// RamBlockDevice: a BlockDevice over memory (a RAM disk), whose operations complete without
/// suspending. For tests, for the RAM-backed block server, and as a cache's backing in
/// examples.
#pragma once

#include <sel4/block/device.hpp>
#include <sel4/block/error.hpp>

#include <sel4/async/task.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace sel4::block {

/// A RAM disk: the whole blocks of `block_size` bytes that fit in `storage` (the rest of
/// it is not used). Counts its operations (for tests of what reaches a device) and can be
/// made read-only (Error::read_only for writes).
class RamBlockDevice {
public:
    /// The blocks of `storage`.
    RamBlockDevice(std::span<std::byte> storage, std::size_t block_size) noexcept
        : storage_(storage), block_size_(block_size), block_count_(block_size == 0 ? 0 : storage.size() / block_size) {}

    /// The bytes of a block.
    std::size_t block_size() const noexcept { return block_size_; }
    /// The number of blocks.
    std::uint64_t block_count() const noexcept { return block_count_; }

    /// Copies the blocks from `first` into `buffer`.
    async::Task<Result<void>> read(std::uint64_t first, std::span<std::byte> buffer) {
        auto blocks = check_blocks(block_size_, block_count_, first, buffer.size());
        if (!blocks)
            co_return std::unexpected(blocks.error());
        ++reads_;
        blocks_read_ += *blocks;
        if (!buffer.empty())
            std::memcpy(buffer.data(), storage_.data() + first * block_size_, buffer.size());
        co_return Result<void>{};
    }

    /// Copies `data` into the blocks from `first`.
    async::Task<Result<void>> write(std::uint64_t first, std::span<const std::byte> data) {
        auto blocks = check_blocks(block_size_, block_count_, first, data.size());
        if (!blocks)
            co_return std::unexpected(blocks.error());
        if (read_only_)
            co_return std::unexpected(Error::read_only);
        ++writes_;
        blocks_written_ += *blocks;
        if (!data.empty())
            std::memcpy(storage_.data() + first * block_size_, data.data(), data.size());
        co_return Result<void>{};
    }

    /// Nothing to make durable: counts the call.
    async::Task<Result<void>> flush() {
        ++flushes_;
        co_return Result<void>{};
    }

    /// Refuses writes from now on (or accepts them again).
    void set_read_only(bool read_only) noexcept { read_only_ = read_only; }

    /// The memory of the disk.
    std::span<std::byte> storage() const noexcept { return storage_; }
    /// Read requests served.
    std::uint64_t reads() const noexcept { return reads_; }
    /// Write requests served.
    std::uint64_t writes() const noexcept { return writes_; }
    /// Blocks read.
    std::uint64_t blocks_read() const noexcept { return blocks_read_; }
    /// Blocks written.
    std::uint64_t blocks_written() const noexcept { return blocks_written_; }
    /// Flushes served.
    std::uint64_t flushes() const noexcept { return flushes_; }

private:
    std::span<std::byte> storage_;
    std::size_t block_size_;
    std::uint64_t block_count_;
    bool read_only_ = false;
    std::uint64_t reads_ = 0;
    std::uint64_t writes_ = 0;
    std::uint64_t blocks_read_ = 0;
    std::uint64_t blocks_written_ = 0;
    std::uint64_t flushes_ = 0;
};

static_assert(BlockDevice<RamBlockDevice>);

} // namespace sel4::block
