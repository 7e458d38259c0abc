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

class ManualClock final : public Clock {
public:
    Instant now() noexcept override { return now_; }
    void set_timeout(Instant deadline) noexcept override { armed = deadline; }
    Instant now_ = Instant::from_nanoseconds(0);
    Instant armed{};
};

Task<int> sleepy(Timers &timers, Duration duration, int value) {
    co_await timers.sleep_for(duration);
    co_return value;
}

TEST(NoExceptions, WhenAllWhenAnyAndTimeout) {
    using namespace std::chrono_literals;
    FramePool<8192> pool;
    ManualClock clock;
    Timers timers(clock);
    Executor executor;
    int sum = 0;
    std::size_t winner = 9;
    bool timed_out = false;
    auto handle = executor.spawn([](Timers &t, int &total, std::size_t &first, bool &late) -> Task<void> {
        auto [a, b] = co_await when_all(sleepy(t, 2ms, 1), sleepy(t, 1ms, 2));
        total = a + b;
        auto any = when_any(sleepy(t, 5ms, 1), sleepy(t, 3ms, 2));
        (void)co_await any;
        first = any.index();
        late = !(co_await t.timeout(sleepy(t, 9ms, 3), 1ms)).has_value();
    }(timers, sum, winner, timed_out));
    executor.run_until_stalled();
    for (int ms = 0; ms < 20 && !handle->done(); ++ms) {
        clock.now_ = clock.now_ + 1ms;
        timers.poll();
        executor.run_until_stalled();
    }
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(sum, 3);
    EXPECT_EQ(winner, 1u);
    EXPECT_TRUE(timed_out);
    EXPECT_TRUE(timers.empty());
    handle->detach();
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

} // namespace
