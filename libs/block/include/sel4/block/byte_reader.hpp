/// @file
/// Byte-stream reads on a BlockDevice: ByteReader reads any bytes at any offset (across
/// blocks), SequentialReader reads a byte range from front to back.
///
/// The whole blocks of a range go to the device in one read, straight into the caller's
/// buffer; a partial block at either end is read through the device's read_part() where it
/// has one (the cache: no copy beyond the one out of the cached block), else into the
/// reader's bounce buffer of one block. A reader with a bounce buffer serves one read at a
/// time (a second one while the first is suspended gets Error::busy); one over a
/// PartialReadDevice has no buffer and serves any number at once.
#pragma once

#include <sel4/block/device.hpp>
#include <sel4/block/error.hpp>

#include <sel4/async/task.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>

namespace sel4::block {

namespace detail {

// The bounce buffer of a ByteReader over a device without read_part(), and its busy flag.
template <std::size_t Bytes> struct Bounce {
    alignas(16) std::array<std::byte, Bytes> bytes{};
    bool busy = false;
};
struct NoBounce {};

} // namespace detail

/// Reads bytes at any offset of a `Device` (see the file's comment). `MaxBlockBytes` is the
/// largest block size it can bounce (Error::unsupported_block_size for larger blocks); it
/// takes no memory when `Device` has read_part(). Refers to the device, which must outlive it.
template <BlockDevice Device, std::size_t MaxBlockBytes = 4096> class ByteReader {
public:
    /// A reader of `device`.
    explicit ByteReader(Device &device) noexcept : device_(device) {}
    ByteReader(const ByteReader &) = delete;
    ByteReader &operator=(const ByteReader &) = delete;

    /// The device's size in bytes.
    std::uint64_t size() const noexcept { return device_.block_count() * device_.block_size(); }
    /// The device.
    Device &device() const noexcept { return device_; }

    /// Fills `buffer` with the bytes from `offset`: all of them, or an error
    /// (Error::out_of_range when they reach past size(); then nothing is read).
    async::Task<Result<void>> read(std::uint64_t offset, std::span<std::byte> buffer) {
        const std::uint64_t total = size();
        if (offset > total || buffer.size() > total - offset)
            co_return std::unexpected(Error::out_of_range);
        const std::size_t block_size = device_.block_size();
        std::uint64_t block = offset / block_size;
        std::size_t in_block = static_cast<std::size_t>(offset % block_size);
        while (!buffer.empty()) {
            if (in_block == 0 && buffer.size() >= block_size) {
                const std::size_t whole = buffer.size() / block_size * block_size;
                if (auto done = co_await checked(device_.read(block, buffer.first(whole))); !done)
                    co_return done;
                buffer = buffer.subspan(whole);
                block += whole / block_size;
                continue;
            }
            const std::size_t part = std::min(block_size - in_block, buffer.size());
            if (auto done = co_await checked(read_part(block, in_block, buffer.first(part))); !done)
                co_return done;
            buffer = buffer.subspan(part);
            ++block;
            in_block = 0;
        }
        co_return Result<void>{};
    }

private:
    static constexpr bool partial = PartialReadDevice<Device>;

    async::Task<Result<void>> read_part(std::uint64_t block, std::size_t offset, std::span<std::byte> buffer) {
        if constexpr (partial) {
            return device_.read_part(block, offset, buffer);
        } else {
            return bounce_read(block, offset, buffer);
        }
    }

    async::Task<Result<void>> bounce_read(std::uint64_t block, std::size_t offset, std::span<std::byte> buffer)
        requires(!partial)
    {
        const std::size_t block_size = device_.block_size();
        if (block_size > MaxBlockBytes)
            co_return std::unexpected(Error::unsupported_block_size);
        if (bounce_.busy)
            co_return std::unexpected(Error::busy);
        bounce_.busy = true;
        struct Release {
            bool &busy;
            ~Release() { busy = false; } // also when the task is cancelled while it waits
        } release{bounce_.busy};
        const std::span<std::byte> whole(bounce_.bytes.data(), block_size);
        if (auto done = co_await checked(device_.read(block, whole)); !done)
            co_return done;
        std::memcpy(buffer.data(), whole.data() + offset, buffer.size());
        co_return Result<void>{};
    }

    Device &device_;
    [[no_unique_address]] std::conditional_t<partial, detail::NoBounce, detail::Bounce<MaxBlockBytes>> bounce_;
};

/// Reads a byte range of a device from front to back through a ByteReader: `read()` gives
/// the next bytes (fewer at the end of the range, 0 after it), `read_exact()` all or
/// Error::out_of_range. The range is `[start, start + length)` of the reader's device,
/// clamped to its size.
template <BlockDevice Device, std::size_t MaxBlockBytes = 4096> class SequentialReader {
public:
    /// Bytes `start` to `start + length` (clamped to the device) of `reader`'s device.
    explicit SequentialReader(ByteReader<Device, MaxBlockBytes> &reader, std::uint64_t start = 0,
                              std::uint64_t length = std::numeric_limits<std::uint64_t>::max()) noexcept
        : reader_(reader), start_(std::min(start, reader.size())),
          length_(std::min(length, reader.size() - start_)) {}

    /// The range's length.
    std::uint64_t length() const noexcept { return length_; }
    /// Where the next read starts, from the range's start.
    std::uint64_t position() const noexcept { return position_; }
    /// The bytes left.
    std::uint64_t remaining() const noexcept { return length_ - position_; }

    /// Moves to `position` (from the range's start); Error::out_of_range past its end.
    Result<void> seek(std::uint64_t position) noexcept {
        if (position > length_)
            return std::unexpected(Error::out_of_range);
        position_ = position;
        return {};
    }
    /// Skips `bytes`; Error::out_of_range (and no move) past the end.
    Result<void> skip(std::uint64_t bytes) noexcept {
        if (bytes > remaining())
            return std::unexpected(Error::out_of_range);
        position_ += bytes;
        return {};
    }

    /// Reads the next min(buffer.size(), remaining()) bytes and gives how many; the position
    /// moves only when the read succeeds.
    async::Task<Result<std::size_t>> read(std::span<std::byte> buffer) {
        const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), remaining()));
        if (auto done = co_await checked(reader_.read(start_ + position_, buffer.first(count))); !done)
            co_return std::unexpected(done.error());
        position_ += count;
        co_return count;
    }

    /// Reads exactly buffer.size() bytes, or Error::out_of_range (nothing read, no move) when
    /// fewer remain.
    async::Task<Result<void>> read_exact(std::span<std::byte> buffer) {
        if (buffer.size() > remaining())
            co_return std::unexpected(Error::out_of_range);
        if (auto done = co_await checked(reader_.read(start_ + position_, buffer)); !done)
            co_return done;
        position_ += buffer.size();
        co_return Result<void>{};
    }

private:
    ByteReader<Device, MaxBlockBytes> &reader_;
    std::uint64_t start_;
    std::uint64_t length_;
    std::uint64_t position_ = 0;
};

} // namespace sel4::block
