// sel4::async's executor on the host: Task, spawn/join, the FIFO ready queue, badge waits,
// Event/WaitQueue, cancellation, the frame pool, and the stack under symmetric transfer.
#include <sel4/async.hpp>

#include <gtest/gtest.h>

#include <pthread.h>

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace {

using namespace sel4::async;

class Async : public testing::Test {
protected:
    FramePool<64 * 1024> pool;
    Executor executor;
};

Task<void> record(std::vector<std::string> &log, std::string name, int rounds) {
    for (int i = 0; i < rounds; ++i) {
        log.push_back(name + std::to_string(i));
        co_await yield();
    }
}

TEST_F(Async, ReadyQueueIsFifo) {
    std::vector<std::string> log;
    auto a = executor.spawn(record(log, "a", 2));
    auto b = executor.spawn(record(log, "b", 2));
    auto c = executor.spawn(record(log, "c", 2));
    ASSERT_TRUE(a && b && c);
    EXPECT_TRUE(log.empty()) << "spawn only makes a task ready";
    executor.run_until_stalled();
    EXPECT_EQ(log, (std::vector<std::string>{"a0", "b0", "c0", "a1", "b1", "c1"}));
    EXPECT_TRUE(a->done() && b->done() && c->done());
    EXPECT_FALSE(executor.has_ready());
}

Task<int> add(int x, int y) { co_return x + y; }
Task<int> sum_of_three(int x) {
    int first = co_await add(x, 1);
    Task<int> second = add(first, 2); // awaited as an lvalue
    co_return co_await second + 3;
}

TEST_F(Async, NestedTasksAndJoin) {
    auto handle = executor.spawn(sum_of_three(10));
    ASSERT_TRUE(handle);
    EXPECT_FALSE(handle->done());
    EXPECT_EQ(executor.run_until_stalled(), 1u) << "nested awaits complete without suspending";
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(handle->take(), 16);
    EXPECT_FALSE(handle->valid());
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

Task<int> joiner(Executor &executor, Event &go) {
    auto child = executor.spawn([](Event &event) -> Task<int> {
        co_await event;
        co_return 7;
    }(go));
    if (!child)
        co_return -1;
    co_return co_await *child * 6;
}

TEST_F(Async, AwaitJoinHandle) {
    Event go;
    auto handle = executor.spawn(joiner(executor, go));
    ASSERT_TRUE(handle);
    executor.run_until_stalled();
    EXPECT_FALSE(handle->done());
    EXPECT_EQ(executor.task_count(), 2u);
    go.set();
    executor.run_until_stalled();
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(handle->take(), 42);
    EXPECT_EQ(executor.task_count(), 0u);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

Task<void> badge_waiter(Executor &executor, sel4::Word bits, std::vector<sel4::Word> &got, int times) {
    for (int i = 0; i < times; ++i)
        got.push_back(co_await executor.wait(bits));
}

TEST_F(Async, BadgeWaitsAndWake) {
    std::vector<sel4::Word> got;
    auto handle = executor.spawn(badge_waiter(executor, 0b110, got, 2));
    executor.run_until_stalled();
    EXPECT_EQ(executor.badge_waiter_count(), 1u);
    executor.wake(0b001); // nobody waits on bit 0: kept pending
    EXPECT_EQ(executor.run_until_stalled(), 0u);
    EXPECT_EQ(executor.pending_bits(), 0b001u);
    executor.wake(0b101);
    executor.run_until_stalled();
    EXPECT_EQ(got, (std::vector<sel4::Word>{0b100}));
    EXPECT_EQ(executor.pending_bits(), 0b001u) << "bit 2 was taken, bit 0 still pending";
    executor.wake(0b110);
    executor.run_until_stalled();
    EXPECT_EQ(got, (std::vector<sel4::Word>{0b100, 0b110}));
    EXPECT_TRUE(handle->done());
}

TEST_F(Async, PendingBitsCompleteAWaitAtOnce) {
    executor.wake(0b1000);
    std::vector<sel4::Word> got;
    auto handle = executor.spawn(badge_waiter(executor, 0b1001, got, 1));
    EXPECT_EQ(executor.run_until_stalled(), 1u);
    EXPECT_EQ(got, (std::vector<sel4::Word>{0b1000}));
    EXPECT_EQ(executor.pending_bits(), 0u) << "the wait consumed the pending bit";
    EXPECT_TRUE(handle->done());
}

TEST_F(Async, WakeReachesEveryWaiterOfABitInOrder) {
    std::vector<sel4::Word> first, second, third;
    auto a = executor.spawn(badge_waiter(executor, 0b01, first, 1));
    auto b = executor.spawn(badge_waiter(executor, 0b10, second, 1));
    auto c = executor.spawn(badge_waiter(executor, 0b11, third, 1));
    executor.run_until_stalled();
    executor.wake(0b01);
    executor.run_until_stalled();
    EXPECT_EQ(first, (std::vector<sel4::Word>{0b01}));
    EXPECT_TRUE(second.empty());
    EXPECT_EQ(third, (std::vector<sel4::Word>{0b01}));
    EXPECT_FALSE(b->done());
    EXPECT_EQ(executor.pending_bits(), 0u);
}

TEST_F(Async, WaitForBadgeUsesTheRunningTasksExecutor) {
    sel4::Word got = 0;
    auto handle = executor.spawn([](sel4::Word &out) -> Task<void> { out = co_await wait_for_badge(0b100); }(got));
    executor.run_until_stalled();
    executor.wake(0b111);
    executor.run_until_stalled();
    EXPECT_EQ(got, 0b100u);
    EXPECT_EQ(executor.pending_bits(), 0b011u);
}

// Counts its destruction, to see that cancellation runs the destructors on the frames.
struct Guard {
    int *destroyed;
    explicit Guard(int &counter) : destroyed(&counter) {}
    Guard(const Guard &) = delete;
    ~Guard() { ++*destroyed; }
};

Task<void> wait_in_child(Event &event, int &destroyed) {
    Guard guard(destroyed);
    co_await event;
}
Task<void> wait_nested(Executor &executor, Event &event, int &destroyed, bool &finished) {
    Guard guard(destroyed);
    co_await wait_in_child(event, destroyed);
    (void)co_await executor.wait(1);
    finished = true;
}

TEST_F(Async, CancelDestroysTheSuspendedChain) {
    Event event;
    int destroyed = 0;
    bool finished = false;
    auto handle = executor.spawn(wait_nested(executor, event, destroyed, finished));
    executor.run_until_stalled();
    EXPECT_EQ(event.waiter_count(), 1u);
    const std::size_t blocks = pool.stats().in_use_blocks;
    EXPECT_EQ(blocks, 3u) << "two frames and the task's record";
    handle->cancel();
    EXPECT_FALSE(handle->valid());
    EXPECT_EQ(destroyed, 2);
    EXPECT_EQ(event.waiter_count(), 0u) << "the awaiter unlinked itself";
    EXPECT_EQ(executor.task_count(), 0u);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
    event.set();
    executor.wake(1);
    executor.run_until_stalled();
    EXPECT_FALSE(finished);
}

TEST_F(Async, CancelATaskWaitingOnBadges) {
    std::vector<sel4::Word> got;
    auto handle = executor.spawn(badge_waiter(executor, 0b1, got, 1));
    executor.run_until_stalled();
    EXPECT_EQ(executor.badge_waiter_count(), 1u);
    handle->cancel();
    EXPECT_EQ(executor.badge_waiter_count(), 0u);
    executor.wake(0b1);
    executor.run_until_stalled();
    EXPECT_TRUE(got.empty());
    EXPECT_EQ(executor.pending_bits(), 0b1u);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

TEST_F(Async, CancelAReadyTaskAndOneThatNeverRan) {
    Event event;
    int destroyed = 0;
    bool finished = false;
    auto never_ran = executor.spawn(wait_nested(executor, event, destroyed, finished));
    never_ran->cancel();
    EXPECT_EQ(destroyed, 0) << "its body never started";
    EXPECT_FALSE(executor.has_ready());

    auto ready = executor.spawn(wait_nested(executor, event, destroyed, finished));
    executor.run_until_stalled();
    event.set(); // now in the ready queue
    EXPECT_TRUE(executor.has_ready());
    ready->cancel();
    EXPECT_FALSE(executor.has_ready());
    EXPECT_EQ(destroyed, 2);
    EXPECT_EQ(executor.run_until_stalled(), 0u);
    EXPECT_FALSE(finished);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

Task<void> cancel_self(JoinHandle<void> *&self, Event &event, std::vector<int> &steps) {
    steps.push_back(1);
    self->cancel();
    steps.push_back(2); // still running: the cancellation waits for the next suspension
    co_await event;
    steps.push_back(3);
}

TEST_F(Async, CancellingARunningTaskTakesEffectAtItsNextSuspension) {
    Event event;
    std::vector<int> steps;
    JoinHandle<void> *self = nullptr;
    auto handle = executor.spawn(cancel_self(self, event, steps));
    self = &*handle;
    executor.run_until_stalled();
    EXPECT_EQ(steps, (std::vector<int>{1, 2}));
    EXPECT_EQ(event.waiter_count(), 0u);
    EXPECT_EQ(executor.task_count(), 0u);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
    event.set();
    executor.run_until_stalled();
    EXPECT_EQ(steps, (std::vector<int>{1, 2}));
}

TEST_F(Async, CancelAFinishedTaskDropsItsResult) {
    auto handle = executor.spawn(add(1, 2));
    executor.run_until_stalled();
    ASSERT_TRUE(handle->done());
    handle->cancel();
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

TEST_F(Async, DetachedTasksRunOnAndFreeTheirFrames) {
    Event event;
    bool ran = false;
    {
        auto handle = executor.spawn([](Event &e, bool &flag) -> Task<void> {
            co_await e;
            flag = true;
        }(event, ran));
        ASSERT_TRUE(handle);
    } // detached
    executor.run_until_stalled();
    EXPECT_EQ(executor.task_count(), 1u);
    event.set();
    executor.run_until_stalled();
    EXPECT_TRUE(ran);
    EXPECT_EQ(executor.task_count(), 0u);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

TEST(AsyncExecutor, DestroyingTheExecutorDestroysItsTasks) {
    FramePool<16 * 1024> pool;
    Event event;
    int destroyed = 0;
    bool finished = false;
    JoinHandle<void> kept;
    {
        Executor executor;
        kept = std::move(*executor.spawn(wait_nested(executor, event, destroyed, finished)));
        (void)executor.spawn(wait_nested(executor, event, destroyed, finished)); // detached
        executor.run_until_stalled();
        EXPECT_EQ(event.waiter_count(), 2u);
    }
    EXPECT_EQ(destroyed, 4);
    EXPECT_EQ(event.waiter_count(), 0u);
    EXPECT_TRUE(kept.cancelled());
    EXPECT_FALSE(kept.done());
    kept.detach();
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

Task<void> parked(Event &event) { co_await event; }

TEST(AsyncPool, ExhaustionIsAnErrorAndThePoolIsReusable) {
    FramePool<4096> pool;
    Executor executor;
    Event event;
    std::vector<JoinHandle<void>> handles;
    for (;;) {
        auto handle = executor.spawn(parked(event));
        if (!handle) {
            EXPECT_EQ(handle.error(), Error::pool_exhausted);
            break;
        }
        handles.push_back(std::move(*handle));
        ASSERT_LT(handles.size(), 4096u);
    }
    const std::size_t capacity = handles.size();
    EXPECT_GT(capacity, 4u);
    EXPECT_GT(pool.stats().failures, 0u);
    EXPECT_LE(pool.stats().carved_bytes, 4096u);
    executor.run_until_stalled();
    event.set();
    executor.run_until_stalled();
    for (auto &handle : handles)
        EXPECT_TRUE(handle.done());
    handles.clear();
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
    // Each task is its frame and its record; the refused spawn had its frame for a moment.
    EXPECT_GE(pool.stats().high_water_blocks, 2 * capacity);
    EXPECT_LE(pool.stats().high_water_blocks, 2 * capacity + 1);
    // The same tasks fit again, from the free lists.
    event.reset();
    for (std::size_t i = 0; i < capacity; ++i) {
        auto handle = executor.spawn(parked(event));
        ASSERT_TRUE(handle) << i;
        handles.push_back(std::move(*handle));
    }
    EXPECT_FALSE(executor.spawn(parked(event)));
    event.set();
    executor.run_until_stalled();
    handles.clear();
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

TEST(AsyncPool, StatisticsOfFrames) {
    FramePool<8192> pool;
    {
        Task<int> task = add(1, 2);
        ASSERT_TRUE(task.valid());
        EXPECT_GT(pool.stats().last_frame, 0u);
        EXPECT_EQ(pool.stats().largest_frame, pool.stats().last_frame);
        EXPECT_EQ(pool.stats().in_use_bytes, FrameAllocator::block_size(pool.stats().last_frame));
        std::printf("frame of add(int, int): %zu bytes, block %zu\n", pool.stats().last_frame,
                    FrameAllocator::block_size(pool.stats().last_frame));
    }
    EXPECT_EQ(pool.stats().in_use_bytes, 0u);
    EXPECT_EQ(pool.stats().capacity, 8192u);
}

TEST(AsyncPool, NoPoolMeansEmptyTasks) {
    Task<int> task = add(1, 2);
    EXPECT_FALSE(task.valid());
}

TEST(AsyncPool, TheInnerPoolServesAndFramesGoHome) {
    FramePool<4096> outer;
    Task<int> from_outer = add(1, 2);
    {
        FramePool<4096> inner;
        Task<int> from_inner = add(3, 4);
        EXPECT_EQ(inner.stats().in_use_blocks, 1u);
        from_outer = Task<int>(); // freed to the outer pool while the inner one serves
        EXPECT_EQ(outer.stats().in_use_blocks, 0u);
    }
    Task<int> again = add(5, 6);
    EXPECT_EQ(outer.stats().in_use_blocks, 1u);
}

// Awaiting an empty Task: the error as a value where the result type can carry it.
Task<std::expected<int, Error>> await_empty(bool &reached) {
    Task<std::expected<int, Error>> empty;
    auto result = co_await empty;
    reached = true;
    co_return result;
}

TEST_F(Async, AwaitingAnEmptyTaskGivesTheErrorWhenTheResultCarriesIt) {
    bool reached = false;
    auto handle = executor.spawn(await_empty(reached));
    executor.run_until_stalled();
    ASSERT_TRUE(handle->done());
    auto result = handle->take();
    EXPECT_TRUE(reached);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error(), Error::pool_exhausted);
}

Task<int> await_empty_int() {
    Task<int> empty;
    co_return co_await empty;
}

TEST_F(Async, AwaitingAnEmptyTaskOtherwiseAborts) {
    EXPECT_DEATH(
        {
            auto handle = executor.spawn(await_empty_int());
            executor.run_until_stalled();
        },
        "sel4::async: co_await of an empty Task");
}

TEST_F(Async, AnExceptionThatEscapesATaskAborts) {
    EXPECT_DEATH(
        {
            auto handle = executor.spawn([]() -> Task<int> {
                throw 1;
                co_return 0;
            }());
            executor.run_until_stalled();
        },
        "sel4::async: an exception escaped a Task");
}

TEST_F(Async, AWaitOnNoBitsCompletesAtOnce) {
    std::vector<sel4::Word> got;
    auto handle = executor.spawn(badge_waiter(executor, 0, got, 1));
    EXPECT_EQ(executor.run_until_stalled(), 1u);
    EXPECT_EQ(got, (std::vector<sel4::Word>{0}));
}

TEST_F(Async, SpawnOfAnEmptyTaskIsAnError) {
    auto handle = executor.spawn(Task<int>());
    ASSERT_FALSE(handle);
    EXPECT_EQ(handle.error(), Error::pool_exhausted);
    EXPECT_STREQ(describe(handle.error()), "the coroutine frame pool is exhausted");
}

TEST(AsyncDeath, AwaitingOutsideAnExecutorAborts) {
    EXPECT_DEATH(
        {
            FramePool<4096> pool;
            Event event;
            Task<void> task = parked(event);
            task.handle().resume();
        },
        "sel4::async: a task suspended outside of an Executor's run loop");
}

TEST_F(Async, EventFastPathDoesNotSuspend) {
    Event event;
    event.set();
    int passed = 0;
    auto handle = executor.spawn([](Event &e, int &count) -> Task<void> {
        for (int i = 0; i < 100; ++i) {
            co_await e;
            ++count;
        }
    }(event, passed));
    EXPECT_EQ(executor.run_until_stalled(), 1u);
    EXPECT_EQ(passed, 100);
}

TEST_F(Async, EventSetWakesEveryWaiterInOrder) {
    Event event;
    std::vector<int> order;
    auto waiter = [](Event &e, std::vector<int> &log, int id) -> Task<void> {
        co_await e.wait();
        log.push_back(id);
    };
    auto a = executor.spawn(waiter(event, order, 1));
    auto b = executor.spawn(waiter(event, order, 2));
    auto c = executor.spawn(waiter(event, order, 3));
    executor.run_until_stalled();
    EXPECT_EQ(event.waiter_count(), 3u);
    event.set();
    event.reset();
    executor.run_until_stalled();
    EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST_F(Async, WaitQueueNotifiesAndChecksConditions) {
    WaitQueue queue;
    int items = 0;
    std::vector<int> order;
    auto consumer = [](WaitQueue &q, int &count, std::vector<int> &log, int id, int needed) -> Task<void> {
        co_await q.wait_until([&count, needed]() noexcept { return count >= needed; });
        log.push_back(id);
    };
    auto plain = [](WaitQueue &q, std::vector<int> &log) -> Task<void> {
        co_await q.wait();
        log.push_back(0);
    };
    auto big = executor.spawn(consumer(queue, items, order, 2, 2));
    auto small = executor.spawn(consumer(queue, items, order, 1, 1));
    auto any = executor.spawn(plain(queue, order));
    executor.run_until_stalled();
    EXPECT_EQ(queue.waiter_count(), 3u);
    items = 1;
    EXPECT_TRUE(queue.notify_one()); // the first whose condition holds: small
    executor.run_until_stalled();
    EXPECT_EQ(order, (std::vector<int>{1}));
    EXPECT_EQ(queue.notify_all(), 1u); // only the plain one; big still needs 2
    executor.run_until_stalled();
    EXPECT_EQ(order, (std::vector<int>{1, 0}));
    items = 2;
    EXPECT_EQ(queue.notify_all(), 1u);
    executor.run_until_stalled();
    EXPECT_EQ(order, (std::vector<int>{1, 0, 2}));
    EXPECT_TRUE(queue.empty());
    // The fast path: the condition already holds.
    auto fast = executor.spawn(consumer(queue, items, order, 3, 0));
    EXPECT_EQ(executor.run_until_stalled(), 1u);
    EXPECT_TRUE(fast->done());
}

// The stack under a million synchronously completing awaits: symmetric transfer resumes each
// child and comes back to the parent without nesting calls.
constexpr int million = 1'000'000;

[[gnu::noinline]] std::uintptr_t stack_address() {
    volatile char marker = 0;
    return reinterpret_cast<std::uintptr_t>(&marker);
}

Task<int> synchronous_child(int i, std::uintptr_t *first, std::uintptr_t *last) {
    if (i == 0)
        *first = stack_address();
    if (i == million - 1)
        *last = stack_address();
    co_return 1;
}

Task<long> million_awaits(std::uintptr_t *first, std::uintptr_t *last) {
    long total = 0;
    for (int i = 0; i < million; ++i)
        total += co_await synchronous_child(i, first, last);
    co_return total;
}

struct StackRun {
    std::uintptr_t first = 0, last = 0;
    long total = 0;
    std::size_t resumed = 0;
};

void *run_million(void *argument) {
    auto *run = static_cast<StackRun *>(argument);
    FramePool<4096> pool;
    Executor executor;
    auto handle = executor.spawn(million_awaits(&run->first, &run->last));
    run->resumed = executor.run_until_stalled();
    run->total = handle->take();
    return nullptr;
}

TEST(AsyncStack, AMillionSynchronousCompletionsDoNotGrowTheStack) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer's stack redzones keep GCC from making symmetric transfer a tail call";
#endif
    // On a thread with a 64 KiB stack: a million nested calls would need far more.
    pthread_attr_t attributes;
    ASSERT_EQ(pthread_attr_init(&attributes), 0);
    ASSERT_EQ(pthread_attr_setstacksize(&attributes, 64 * 1024), 0);
    StackRun run;
    pthread_t thread;
    ASSERT_EQ(pthread_create(&thread, &attributes, run_million, &run), 0);
    ASSERT_EQ(pthread_join(thread, nullptr), 0);
    pthread_attr_destroy(&attributes);
    EXPECT_EQ(run.total, million);
    EXPECT_EQ(run.resumed, 1u);
    EXPECT_NE(run.first, 0u);
    EXPECT_EQ(run.first, run.last) << "the innermost task's stack frame moved by "
                                   << static_cast<long>(run.first - run.last) << " bytes";
}

} // namespace
