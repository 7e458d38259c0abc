// when_all and when_any on the host: results, order, cancellation of the losers and of the
// awaiting task, empty tasks.
#include <sel4/async.hpp>

#include <gtest/gtest.h>

#include <expected>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace {

using namespace sel4::async;

class When : public testing::Test {
protected:
    FramePool<64 * 1024> pool;
    Executor executor;
};

struct Guard {
    int *destroyed;
    explicit Guard(int &counter) : destroyed(&counter) {}
    Guard(const Guard &) = delete;
    ~Guard() { ++*destroyed; }
};

Task<int> after_yields(int value, int yields, std::vector<int> &log) {
    for (int i = 0; i < yields; ++i) {
        log.push_back(value);
        co_await yield();
    }
    co_return value;
}
Task<void> nothing(std::vector<int> &log) {
    log.push_back(0);
    co_return;
}
Task<std::string> text() { co_return "text"; }

TEST_F(When, AllGivesEveryResultInArgumentOrder) {
    std::vector<int> log;
    std::tuple<int, std::monostate, int, std::string> got;
    bool resumed = false;
    auto handle = executor.spawn([](auto &out, std::vector<int> &trace, bool &flag) -> Task<void> {
        out = co_await when_all(after_yields(1, 3, trace), nothing(trace), after_yields(2, 1, trace), text());
        flag = true;
    }(got, log, resumed));
    executor.run_until_stalled();
    EXPECT_TRUE(resumed);
    EXPECT_EQ(std::get<0>(got), 1);
    EXPECT_EQ(std::get<2>(got), 2);
    EXPECT_EQ(std::get<3>(got), "text");
    // The children start in argument order and interleave through the FIFO ready queue.
    EXPECT_EQ(log, (std::vector<int>{1, 0, 2, 1, 1}));
    handle->detach();
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

TEST_F(When, AllOfNothingCompletesAtOnce) {
    bool resumed = false;
    auto handle = executor.spawn([](bool &flag) -> Task<void> {
        std::tuple<> none = co_await when_all();
        (void)none;
        flag = true;
    }(resumed));
    EXPECT_EQ(executor.run_until_stalled(), 1u);
    EXPECT_TRUE(resumed);
}

Task<int> wait_event(Event &event, int value, int &destroyed) {
    Guard guard(destroyed);
    co_await event;
    co_return value;
}
Task<int> wait_badge(Executor &executor, sel4::Word bits, int &destroyed) {
    Guard guard(destroyed);
    co_return static_cast<int>(co_await executor.wait(bits));
}

TEST_F(When, AllResumesOnlyAfterTheLast) {
    Event first, second;
    int destroyed = 0;
    std::tuple<int, int> got{};
    auto handle = executor.spawn([](Event &a, Event &b, int &d, std::tuple<int, int> &out) -> Task<void> {
        out = co_await when_all(wait_event(a, 10, d), wait_event(b, 20, d));
    }(first, second, destroyed, got));
    executor.run_until_stalled();
    second.set();
    executor.run_until_stalled();
    EXPECT_FALSE(handle->done());
    EXPECT_EQ(destroyed, 1) << "the finished child's frame lives until the parent resumes";
    first.set();
    executor.run_until_stalled();
    EXPECT_TRUE(handle->done());
    EXPECT_EQ(got, std::make_tuple(10, 20));
    EXPECT_EQ(destroyed, 2);
}

TEST_F(When, AnyGivesTheFirstAndCancelsTheOthers) {
    Event slow, fast;
    int destroyed = 0;
    std::variant<int, int, int> got;
    std::size_t index = 99;
    auto handle = executor.spawn([](Executor &ex, Event &s, Event &f, int &d, auto &out,
                                    std::size_t &at) -> Task<void> {
        auto any = when_any(wait_event(s, 1, d), wait_badge(ex, 0b100, d), wait_event(f, 3, d));
        out = co_await any;
        at = any.index();
    }(executor, slow, fast, destroyed, got, index));
    executor.run_until_stalled();
    EXPECT_EQ(slow.waiter_count(), 1u);
    EXPECT_EQ(executor.badge_waiter_count(), 1u);
    fast.set();
    executor.run_until_stalled();
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(got.index(), 2u);
    EXPECT_EQ(std::get<2>(got), 3);
    EXPECT_EQ(index, 2u);
    EXPECT_EQ(destroyed, 3);
    EXPECT_EQ(slow.waiter_count(), 0u) << "the losers unlinked themselves";
    EXPECT_EQ(executor.badge_waiter_count(), 0u);
    executor.wake(0b100);
    slow.set();
    EXPECT_EQ(executor.run_until_stalled(), 0u);
    EXPECT_EQ(pool.stats().in_use_blocks, 2u) << "only the finished task: its frame and record";
}

TEST_F(When, AnyWithASynchronousWinnerNeverStartsTheRest) {
    Event never;
    int destroyed = 0;
    std::vector<int> log;
    std::variant<int, int> got;
    auto handle = executor.spawn([](Event &e, int &d, std::vector<int> &trace, auto &out) -> Task<void> {
        out = co_await when_any(after_yields(7, 0, trace), wait_event(e, 1, d));
    }(never, destroyed, log, got));
    executor.run_until_stalled();
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(got.index(), 0u);
    EXPECT_EQ(std::get<0>(got), 7);
    EXPECT_EQ(destroyed, 0) << "the second child never ran: no guard was made";
    EXPECT_EQ(never.waiter_count(), 0u);
}

TEST_F(When, CancellingTheAwaitingTaskDestroysTheChildren) {
    Event event;
    int destroyed = 0;
    auto all = executor.spawn([](Event &e, int &d) -> Task<void> {
        Guard guard(d);
        (void)co_await when_all(wait_event(e, 1, d), wait_event(e, 2, d));
    }(event, destroyed));
    auto any = executor.spawn([](Executor &ex, int &d) -> Task<void> {
        Guard guard(d);
        (void)co_await when_any(wait_badge(ex, 1, d), wait_badge(ex, 2, d));
    }(executor, destroyed));
    executor.run_until_stalled();
    EXPECT_EQ(event.waiter_count(), 2u);
    EXPECT_EQ(executor.badge_waiter_count(), 2u);
    all->cancel();
    any->cancel();
    EXPECT_EQ(destroyed, 6);
    EXPECT_EQ(event.waiter_count(), 0u);
    EXPECT_EQ(executor.badge_waiter_count(), 0u);
    EXPECT_FALSE(executor.has_ready());
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

TEST_F(When, CancellingWhileChildrenAreReady) {
    Event event;
    int destroyed = 0;
    auto all = executor.spawn([](Event &e, int &d) -> Task<void> {
        (void)co_await when_all(wait_event(e, 1, d), wait_event(e, 2, d));
    }(event, destroyed));
    executor.run_until_stalled();
    event.set(); // both children in the ready queue
    EXPECT_EQ(executor.ready_count(), 2u);
    all->cancel();
    EXPECT_EQ(executor.ready_count(), 0u);
    EXPECT_EQ(destroyed, 2);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

// A child cancels the spawned task it belongs to: it takes effect when the child suspends.
TEST_F(When, ACancellationFromInsideAChildWaitsForItsSuspension) {
    Event event;
    int destroyed = 0;
    JoinHandle<void> *self = nullptr;
    std::vector<int> steps;
    auto handle = executor.spawn([](JoinHandle<void> *&me, Event &e, int &d, std::vector<int> &log) -> Task<void> {
        Guard guard(d);
        auto canceller = [](JoinHandle<void> *&h, Event &ev, std::vector<int> &trace) -> Task<int> {
            trace.push_back(1);
            h->cancel();
            trace.push_back(2);
            co_await ev;
            trace.push_back(3);
            co_return 0;
        };
        (void)co_await when_all(canceller(me, e, log), wait_event(e, 5, d));
        log.push_back(4);
    }(self, event, destroyed, steps));
    self = &*handle;
    executor.run_until_stalled();
    EXPECT_EQ(steps, (std::vector<int>{1, 2}));
    EXPECT_EQ(destroyed, 1) << "the outer guard; the second child was still ready, never started";
    EXPECT_EQ(event.waiter_count(), 0u);
    EXPECT_FALSE(executor.has_ready());
    EXPECT_EQ(executor.task_count(), 0u);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

Task<std::expected<int, Error>> fallible(int value) { co_return value; }

TEST_F(When, EmptyTasksGiveTheErrorWhereTheResultCarriesIt) {
    std::tuple<std::expected<int, Error>, std::expected<int, Error>> all;
    std::variant<std::expected<int, Error>, std::expected<int, Error>> any;
    auto handle = executor.spawn([](auto &a, auto &b) -> Task<void> {
        a = co_await when_all(fallible(1), Task<std::expected<int, Error>>());
        b = co_await when_any(fallible(1), Task<std::expected<int, Error>>());
    }(all, any));
    executor.run_until_stalled();
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(std::get<0>(all), 1);
    EXPECT_EQ(std::get<1>(all), std::unexpected(Error::pool_exhausted));
    EXPECT_EQ(any.index(), 1u);
    EXPECT_EQ(std::get<1>(any), std::unexpected(Error::pool_exhausted));
}

TEST_F(When, EmptyTasksOtherwiseAbort) {
    EXPECT_DEATH(
        {
            auto handle = executor.spawn([]() -> Task<void> { (void)co_await when_all(text(), Task<int>()); }());
            executor.run_until_stalled();
        },
        "co_await of an empty Task");
}

} // namespace
