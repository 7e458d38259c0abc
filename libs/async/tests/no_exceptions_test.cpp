// sel4::async built as target code builds it: -fno-exceptions -fno-rtti.
#include <sel4/async.hpp>

#include <gtest/gtest.h>

#if __cpp_exceptions || __cpp_rtti
#error "this file must be built with -fno-exceptions -fno-rtti"
#endif

namespace {

using namespace sel4::async;

Task<int> twice(int x) { co_return 2 * x; }
Task<int> chain(Executor &executor, Event &event) {
    int value = co_await twice(10);
    co_await event;
    value += static_cast<int>(co_await executor.wait(0b10));
    co_return value;
}

TEST(NoExceptions, SpawnWaitWakeJoin) {
    FramePool<4096> pool;
    Executor executor;
    Event event;
    auto handle = executor.spawn(chain(executor, event));
    ASSERT_TRUE(handle);
    executor.run_until_stalled();
    event.set();
    executor.wake(0b11);
    executor.run_until_stalled();
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(handle->take(), 22);
    EXPECT_EQ(executor.pending_bits(), 0b01u);
}

TEST(NoExceptions, ExhaustionAndCancel) {
    FramePool<1024> pool;
    Executor executor;
    Event event;
    std::size_t spawned = 0;
    JoinHandle<int> handles[64];
    for (auto &slot : handles) {
        auto handle = executor.spawn(chain(executor, event));
        if (!handle) {
            EXPECT_EQ(handle.error(), Error::pool_exhausted);
            break;
        }
        slot = std::move(*handle);
        ++spawned;
    }
    EXPECT_GT(spawned, 0u);
    EXPECT_LT(spawned, 64u);
    executor.run_until_stalled();
    for (std::size_t i = 0; i < spawned; ++i)
        handles[i].cancel();
    EXPECT_EQ(event.waiter_count(), 0u);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

} // namespace
