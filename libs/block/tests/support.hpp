// What the block tests share: a frame pool and an executor per test, running a task to its
// end, disk contents that tell each byte's place, and a device whose transfers wait at a
// gate (for the tests of concurrent and cancelled transfers).
#pragma once

#include <sel4/async/event.hpp>
#include <sel4/async/executor.hpp>
#include <sel4/async/frame_pool.hpp>
#include <sel4/async/task.hpp>
#include <sel4/block.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace block_test {

namespace async = sel4::async;
namespace blk = sel4::block;

class Fixture : public testing::Test {
protected:
    async::FramePool<1024 * 1024> pool;
    async::Executor executor;

    // Spawns `task` and runs the executor (calling `between` after each round) until it has
    // finished; fails the test when it does not finish.
    template <class T> T run(async::Task<T> task, const std::function<void()> &between = {}) {
        auto handle = executor.spawn(std::move(task));
        EXPECT_TRUE(handle.has_value());
        for (int round = 0; round < 100000 && !handle->done(); ++round) {
            executor.run_until_stalled();
            if (!handle->done() && between)
                between();
        }
        EXPECT_TRUE(handle->done()) << "the task did not finish";
        if constexpr (!std::is_void_v<T>)
            return handle->take();
        else
            handle->take();
    }
};

// The byte at `offset` of the test disks: different in every block and at every offset.
inline std::byte pattern(std::uint64_t offset, std::uint32_t seed = 0) {
    const std::uint64_t x = (offset + seed) * 0x9e3779b97f4a7c15ull;
    return std::byte(static_cast<std::uint8_t>(x >> 56) ^ static_cast<std::uint8_t>(offset >> 12));
}

inline void fill(std::span<std::byte> bytes, std::uint64_t base = 0, std::uint32_t seed = 0) {
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = pattern(base + i, seed);
}

// A RAM device whose reads and writes wait until the test opens the gate, one transfer at a
// time or all; it may fail the next transfer with an error.
class GatedDevice {
public:
    GatedDevice(std::span<std::byte> storage, std::size_t block_size) : ram_(storage, block_size) {}

    std::size_t block_size() const noexcept { return ram_.block_size(); }
    std::uint64_t block_count() const noexcept { return ram_.block_count(); }

    async::Task<blk::Result<void>> read(std::uint64_t first, std::span<std::byte> buffer) {
        ++started_reads;
        co_await gate_.wait();
        if (fail_next) {
            fail_next = false;
            co_return std::unexpected(blk::Error::io);
        }
        co_return co_await ram_.read(first, buffer);
    }
    async::Task<blk::Result<void>> write(std::uint64_t first, std::span<const std::byte> data) {
        ++started_writes;
        co_await gate_.wait();
        if (fail_next) {
            fail_next = false;
            co_return std::unexpected(blk::Error::io);
        }
        co_return co_await ram_.write(first, data);
    }
    async::Task<blk::Result<void>> flush() { return ram_.flush(); }

    // Lets every waiting transfer go on.
    std::size_t open() { return gate_.notify_all(); }
    std::size_t waiting() const { return gate_.waiter_count(); }

    blk::RamBlockDevice &ram() { return ram_; }
    int started_reads = 0;
    int started_writes = 0;
    bool fail_next = false;

private:
    blk::RamBlockDevice ram_;
    async::WaitQueue gate_;
};
static_assert(blk::BlockDevice<GatedDevice>);

} // namespace block_test
