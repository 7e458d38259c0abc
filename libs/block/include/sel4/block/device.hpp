/// @file
/// The BlockDevice concept: what the cache, partitions, byte readers and file systems stand
/// on; the range check every device makes; checked(), which turns a Task whose frame did not
/// fit into an error value.
///
/// A block device transfers whole blocks. `read(first, buffer)` fills `buffer` with the
/// `buffer.size() / block_size()` blocks from block `first`; `write(first, data)` stores
/// them; `flush()` completes when every write that completed before it is durable. Each
/// returns a lazy sel4::async::Task (nothing happens until it is awaited) whose result is
/// `Result<void>`: Error::not_whole_blocks when the size is not a multiple of the block
/// size, Error::out_of_range when the blocks reach past the end, or what the device answered.
/// An empty buffer is a valid request of no blocks (at any `first` up to block_count()).
/// The buffer must stay alive until the task has finished. A task destroyed before it
/// finished (cancelled: see sel4::async) leaves the buffer alone from then on: the cache
/// lends its entries to the device as buffers and reuses them after a cancellation.
#pragma once

#include <sel4/block/error.hpp>

#include <sel4/async/task.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

namespace sel4::block {

/// A device of block_count() blocks of block_size() bytes with async whole-block transfers
/// (see the file's comment).
template <class Device>
concept BlockDevice = requires(Device &device, const Device &const_device, std::uint64_t block,
                               std::span<std::byte> buffer, std::span<const std::byte> data) {
    { const_device.block_size() } noexcept -> std::same_as<std::size_t>;
    { const_device.block_count() } noexcept -> std::same_as<std::uint64_t>;
    { device.read(block, buffer) } -> std::same_as<async::Task<Result<void>>>;
    { device.write(block, data) } -> std::same_as<async::Task<Result<void>>>;
    { device.flush() } -> std::same_as<async::Task<Result<void>>>;
};

/// A BlockDevice that can also read part of one block into a buffer without a bounce buffer
/// of the caller's: `read_part(block, offset, buffer)` gives bytes `offset` to
/// `offset + buffer.size()` of block `block` (which must lie in the block). The cache has it;
/// ByteReader uses it when it is there.
template <class Device>
concept PartialReadDevice = BlockDevice<Device> && requires(Device &device, std::uint64_t block, std::size_t offset,
                                                            std::span<std::byte> buffer) {
    { device.read_part(block, offset, buffer) } -> std::same_as<async::Task<Result<void>>>;
};

/// The number of blocks that `bytes` bytes are on a device of `block_count` blocks of
/// `block_size` bytes, when they start at block `first`: Error::not_whole_blocks or
/// Error::out_of_range otherwise (no overflow possible).
constexpr Result<std::uint64_t> check_blocks(std::size_t block_size, std::uint64_t block_count, std::uint64_t first,
                                             std::size_t bytes) noexcept {
    if (block_size == 0 || bytes % block_size != 0)
        return std::unexpected(Error::not_whole_blocks);
    const std::uint64_t blocks = bytes / block_size;
    if (first > block_count || blocks > block_count - first)
        return std::unexpected(Error::out_of_range);
    return blocks;
}

/// A Task that has finished (when awaited) with `error`. Its frame is a few dozen bytes from
/// the pool; when even that does not fit, the Task is empty and checked() gives
/// Error::pool_exhausted for it.
inline async::Task<Result<void>> failed(Error error) { co_return std::unexpected(error); }

/// `co_await checked(task)`: `co_await task`, but an empty Task (its frame did not fit in
/// the pool) gives Error::pool_exhausted instead of the abort that sel4::async makes of it.
/// The library awaits every Task of another object through it.
template <class T> class [[nodiscard]] Checked {
public:
    /// Over `task`.
    explicit Checked(async::Task<Result<T>> task) noexcept : task_(std::move(task)), awaiter_(task_.handle()) {}
    Checked(const Checked &) = delete;
    Checked &operator=(const Checked &) = delete;

    /// Ready at once when the task is empty.
    bool await_ready() const noexcept { return !task_.valid(); }
    /// Runs the task (symmetric transfer).
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
        return awaiter_.await_suspend(awaiting);
    }
    /// The task's result, or Error::pool_exhausted.
    Result<T> await_resume() noexcept {
        if (!task_.valid())
            return std::unexpected(Error::pool_exhausted);
        return awaiter_.await_resume();
    }

private:
    async::Task<Result<T>> task_;
    typename async::Task<Result<T>>::Awaiter awaiter_;
};

/// See Checked.
template <class T> Checked<T> checked(async::Task<Result<T>> task) noexcept { return Checked<T>(std::move(task)); }

} // namespace sel4::block
