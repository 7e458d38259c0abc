// Timers on the host with a fake clock: sleeps, the armed timeout, timeout(), cancellation,
// and the deadline queue against a sorted model under thousands of random operations.
#include <sel4/async.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <expected>
#include <random>
#include <tuple>
#include <vector>

namespace {

using namespace sel4::async;
using namespace std::chrono_literals;

/// A clock that moves when the test says, and remembers the hardware timeout.
class FakeClock final : public Clock {
public:
    Instant now() noexcept override { return now_; }
    void set_timeout(Instant deadline) noexcept override {
        armed = deadline;
        ++arms;
    }
    void cancel_timeout() noexcept override { armed.reset(); }
    void advance(Duration by) noexcept { now_ = now_ + by; }
    void set(Instant at) noexcept { now_ = at; }

    std::optional<Instant> armed;
    int arms = 0;

private:
    Instant now_ = Instant::from_nanoseconds(1'000'000'000);
};

class TimersTest : public testing::Test {
protected:
    FramePool<256 * 1024> pool;
    FakeClock clock;
    Timers timers{clock};
    Executor executor;

    // Advances the clock, fires what expired, runs what that made ready.
    void advance(Duration by) {
        clock.advance(by);
        timers.poll();
        executor.run_until_stalled();
    }
};

struct Guard {
    int *destroyed;
    explicit Guard(int &counter) : destroyed(&counter) {}
    Guard(const Guard &) = delete;
    ~Guard() { ++*destroyed; }
};

Task<void> sleeper(Timers &timers, Duration duration, int id, std::vector<std::pair<int, Instant>> &log) {
    co_await timers.sleep_for(duration);
    log.emplace_back(id, timers.now());
}

TEST(Instant, Arithmetic) {
    constexpr Instant a = Instant::from_nanoseconds(1000);
    static_assert((a + 5us).nanoseconds() == 6000);
    static_assert((a - 2us).nanoseconds() == 0, "saturates at the origin");
    static_assert((Instant::max() + 1ns) == Instant::max(), "saturates at max()");
    static_assert((a + 5us) - a == 5us);
    static_assert(a - (a + 1us) == -1us);
    static_assert(a < a + 1ns);
}

TEST_F(TimersTest, SleepsWakeInDeadlineOrderNeverEarly) {
    std::vector<std::pair<int, Instant>> log;
    const Instant start = clock.now();
    auto c = executor.spawn(sleeper(timers, 20ms, 20, log));
    auto a = executor.spawn(sleeper(timers, 1ms, 1, log));
    auto b = executor.spawn(sleeper(timers, 5ms, 5, log));
    executor.run_until_stalled();
    EXPECT_EQ(timers.size(), 3u);
    EXPECT_EQ(timers.next_deadline(), start + 1ms);
    EXPECT_EQ(clock.armed, start + 1ms) << "armed at the earliest";
    advance(999us);
    EXPECT_TRUE(log.empty());
    advance(1us);
    ASSERT_EQ(log.size(), 1u);
    EXPECT_EQ(clock.armed, start + 5ms);
    advance(30ms);
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[0].first, 1);
    EXPECT_EQ(log[1].first, 5);
    EXPECT_EQ(log[2].first, 20);
    EXPECT_EQ(log[0].second - start, 1ms);
    EXPECT_FALSE(clock.armed) << "nothing left: disarmed";
    EXPECT_FALSE(timers.next_deadline());
    EXPECT_TRUE(a->done() && b->done() && c->done());
}

TEST_F(TimersTest, TiesFireInInsertionOrder) {
    std::vector<std::pair<int, Instant>> log;
    std::vector<JoinHandle<void>> handles;
    for (int id = 0; id < 10; ++id)
        handles.push_back(std::move(*executor.spawn(sleeper(timers, 3ms, id, log))));
    executor.run_until_stalled();
    advance(3ms);
    ASSERT_EQ(log.size(), 10u);
    for (int id = 0; id < 10; ++id)
        EXPECT_EQ(log[static_cast<std::size_t>(id)].first, id);
}

TEST_F(TimersTest, ExpiredSleepsDoNotSuspend) {
    int passed = 0;
    auto handle = executor.spawn([](Timers &t, int &count) -> Task<void> {
        co_await t.sleep_for(0ns);
        ++count;
        co_await t.sleep_for(-5ms);
        ++count;
        co_await t.sleep_until(t.now());
        ++count;
        co_await t.sleep_until(t.now() - 1s);
        ++count;
    }(timers, passed));
    EXPECT_EQ(executor.run_until_stalled(), 1u);
    EXPECT_EQ(passed, 4);
    EXPECT_EQ(clock.arms, 0);
}

Task<void> guarded_sleep(Timers &timers, Duration duration, int &destroyed, bool &woke) {
    Guard guard(destroyed);
    co_await timers.sleep_for(duration);
    woke = true;
}

TEST_F(TimersTest, CancelledSleepsLeaveTheQueue) {
    int destroyed = 0;
    bool woke = false;
    auto early = executor.spawn(guarded_sleep(timers, 2ms, destroyed, woke));
    auto late = executor.spawn(guarded_sleep(timers, 9ms, destroyed, woke));
    executor.run_until_stalled();
    EXPECT_EQ(timers.size(), 2u);
    early->cancel();
    EXPECT_EQ(destroyed, 1);
    EXPECT_EQ(timers.size(), 1u);
    EXPECT_EQ(timers.next_deadline(), clock.now() + 9ms);
    advance(2ms); // the stale hardware timeout: nothing fires, re-armed for the next
    EXPECT_FALSE(woke);
    EXPECT_EQ(clock.armed, timers.next_deadline());
    late->cancel();
    EXPECT_TRUE(timers.empty());
    advance(20ms);
    EXPECT_FALSE(woke);
    EXPECT_EQ(destroyed, 2);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

Task<int> slow_value(Timers &timers, Duration duration, int value, int &destroyed) {
    Guard guard(destroyed);
    co_await timers.sleep_for(duration);
    co_return value;
}

TEST_F(TimersTest, TimeoutGivesTheValueWhenTheTaskIsFirst) {
    int destroyed = 0;
    std::expected<int, TimedOut> got = std::unexpected(TimedOut{});
    auto handle = executor.spawn([](Timers &t, int &d, std::expected<int, TimedOut> &out) -> Task<void> {
        out = co_await t.timeout(slow_value(t, 2ms, 42, d), 10ms);
    }(timers, destroyed, got));
    executor.run_until_stalled();
    EXPECT_EQ(timers.size(), 2u);
    advance(2ms);
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(got, 42);
    EXPECT_TRUE(timers.empty()) << "the timeout's timer left with it";
    EXPECT_EQ(destroyed, 1);
}

TEST_F(TimersTest, TimeoutCancelsTheTaskWhenTheDeadlineIsFirst) {
    int destroyed = 0;
    Event never;
    std::expected<int, TimedOut> got = 0;
    std::expected<void, TimedOut> got_void;
    auto handle = executor.spawn([](Timers &t, Event &e, int &d, auto &out, auto &out_void) -> Task<void> {
        out = co_await t.timeout(slow_value(t, 50ms, 42, d), 10ms);
        out_void = co_await t.deadline([](Event &ev, int &dd) -> Task<void> {
            Guard guard(dd);
            co_await ev;
        }(e, d), t.now() + 1ms);
    }(timers, never, destroyed, got, got_void));
    executor.run_until_stalled();
    const Instant start = clock.now();
    advance(9ms);
    EXPECT_FALSE(handle->done());
    advance(1ms);
    EXPECT_EQ(got, std::unexpected(TimedOut{}));
    EXPECT_EQ(destroyed, 1);
    EXPECT_EQ(clock.now() - start, 10ms);
    EXPECT_EQ(never.waiter_count(), 1u);
    advance(1ms);
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(got_void, std::unexpected(TimedOut{}));
    EXPECT_EQ(never.waiter_count(), 0u);
    EXPECT_EQ(destroyed, 2);
    EXPECT_TRUE(timers.empty()) << "the inner sleep left with its cancelled task";
    EXPECT_EQ(pool.stats().in_use_blocks, 2u); // the finished task, kept for its handle
}

// The child itself polls the timers past its own deadline: it is running, so it is
// cancelled when it next suspends, and never resumes after that.
TEST_F(TimersTest, ATimeoutThatExpiresWhileItsTaskRuns) {
    int destroyed = 0;
    std::vector<int> steps;
    std::expected<int, TimedOut> got = 0;
    auto handle = executor.spawn([](Timers &t, FakeClock &c, int &d, std::vector<int> &log, auto &out) -> Task<void> {
        auto child = [](Timers &tt, FakeClock &cc, int &dd, std::vector<int> &trace) -> Task<int> {
            Guard guard(dd);
            trace.push_back(1);
            cc.advance(5ms);
            tt.poll(); // its own deadline fires here
            trace.push_back(2);
            co_await yield();
            trace.push_back(3);
            co_return 1;
        };
        out = co_await t.timeout(child(t, c, d, log), 1ms);
        log.push_back(4);
    }(timers, clock, destroyed, steps, got));
    executor.run_until_stalled();
    EXPECT_EQ(steps, (std::vector<int>{1, 2, 4}));
    EXPECT_EQ(got, std::unexpected(TimedOut{}));
    EXPECT_EQ(destroyed, 1);
    EXPECT_TRUE(handle->done());
}

TEST_F(TimersTest, CancellingATaskInATimeoutRemovesBothTimers) {
    int destroyed = 0;
    auto handle = executor.spawn([](Timers &t, int &d) -> Task<void> {
        (void)co_await t.timeout(slow_value(t, 50ms, 42, d), 10ms);
    }(timers, destroyed));
    executor.run_until_stalled();
    EXPECT_EQ(timers.size(), 2u);
    handle->cancel();
    EXPECT_TRUE(timers.empty());
    EXPECT_EQ(destroyed, 1);
    EXPECT_EQ(pool.stats().in_use_blocks, 0u);
}

TEST_F(TimersTest, WhenAnyWithASleepIsATimeoutToo) {
    Event never;
    std::size_t index = 9;
    auto handle = executor.spawn([](Timers &t, Event &e, std::size_t &at) -> Task<void> {
        auto sleep = [](Timers &tt) -> Task<void> { co_await tt.sleep_for(3ms); };
        auto wait = [](Event &ev) -> Task<void> { co_await ev; };
        auto any = when_any(wait(e), sleep(t));
        (void)co_await any;
        at = any.index();
    }(timers, never, index));
    executor.run_until_stalled();
    advance(3ms);
    EXPECT_EQ(index, 1u);
    EXPECT_EQ(never.waiter_count(), 0u);
}

// The queue alone against a sorted model: random adds, removes and polls, with many ties.
struct ModelEntry : detail::TimerEntry {
    ModelEntry() : TimerEntry(&fired) {}
    static void fired(TimerEntry &entry) noexcept {
        auto &self = static_cast<ModelEntry &>(entry);
        self.log->push_back(self.id);
    }
    int id = 0;
    std::vector<int> *log = nullptr;
};

TEST_F(TimersTest, QueueAgainstASortedModel) {
    std::mt19937 random(13);
    constexpr int slots = 512;
    std::vector<ModelEntry> entries(slots);
    std::vector<int> fired;
    // The model: (deadline, insertion number, id) of the queued entries.
    std::vector<std::tuple<std::uint64_t, std::uint64_t, int>> model;
    std::uint64_t inserted = 0;
    std::uint64_t now = 0;
    clock.set(Instant::from_nanoseconds(0));
    for (int i = 0; i < slots; ++i) {
        entries[static_cast<std::size_t>(i)].id = i;
        entries[static_cast<std::size_t>(i)].log = &fired;
    }
    for (int step = 0; step < 40000; ++step) {
        const unsigned op = random() % 8;
        auto &entry = entries[random() % slots];
        if (op < 4) { // add
            if (entry.queued())
                continue;
            const std::uint64_t deadline = now + random() % 64; // many ties
            timers.add(entry, Instant::from_nanoseconds(deadline));
            model.emplace_back(deadline, inserted++, entry.id);
        } else if (op < 6) { // cancel
            if (!entry.queued())
                continue;
            timers.remove(entry);
            std::erase_if(model, [&](const auto &e) { return std::get<2>(e) == entry.id; });
        } else { // time passes
            now += random() % 24;
            fired.clear();
            timers.poll(Instant::from_nanoseconds(now));
            std::sort(model.begin(), model.end());
            std::vector<int> expected;
            while (!model.empty() && std::get<0>(model.front()) <= now) {
                expected.push_back(std::get<2>(model.front()));
                model.erase(model.begin());
            }
            ASSERT_EQ(fired, expected) << "step " << step;
            if (!model.empty())
                ASSERT_EQ(clock.armed, Instant::from_nanoseconds(std::get<0>(model.front()))) << "step " << step;
            else
                ASSERT_FALSE(clock.armed);
        }
        ASSERT_EQ(timers.size(), model.size());
        if (model.empty()) {
            ASSERT_FALSE(timers.next_deadline());
        } else {
            const auto earliest = *std::min_element(model.begin(), model.end());
            ASSERT_EQ(timers.next_deadline(), Instant::from_nanoseconds(std::get<0>(earliest))) << "step " << step;
        }
    }
    for (auto &entry : entries)
        if (entry.queued())
            timers.remove(entry);
    EXPECT_TRUE(timers.empty());
}

// The same through tasks: thousands of random sleeps and cancellations; the tasks resume in
// the model's order, never before their deadlines.
Task<void> model_sleeper(Timers &timers, Instant deadline, int id, std::vector<std::pair<int, Instant>> &log) {
    co_await timers.sleep_until(deadline);
    log.emplace_back(id, timers.now());
}

TEST_F(TimersTest, SleepsAndCancelsAgainstASortedModel) {
    std::mt19937 random(2026);
    std::vector<std::pair<int, Instant>> woke;
    struct Sleeping {
        JoinHandle<void> handle;
        Instant deadline;
        std::uint64_t order;
        int id;
    };
    std::vector<Sleeping> sleeping;
    std::uint64_t order = 0;
    int next_id = 0;
    std::size_t polls_that_fired = 0;
    for (int step = 0; step < 6000; ++step) {
        const unsigned op = random() % 10;
        if (op < 5 && sleeping.size() < 600) {
            const Instant deadline = clock.now() + std::chrono::microseconds(random() % 200);
            auto handle = executor.spawn(model_sleeper(timers, deadline, next_id, woke));
            ASSERT_TRUE(handle) << "step " << step;
            sleeping.push_back({std::move(*handle), deadline, order++, next_id++});
            executor.run_until_stalled(); // it starts and parks (or passes a deadline already due)
        } else if (op < 7 && !sleeping.empty()) {
            const std::size_t victim = random() % sleeping.size();
            sleeping[victim].handle.cancel();
            sleeping.erase(sleeping.begin() + static_cast<std::ptrdiff_t>(victim));
        } else {
            clock.advance(std::chrono::microseconds(random() % 50));
            std::vector<const Sleeping *> due;
            for (const auto &s : sleeping)
                if (s.deadline <= clock.now())
                    due.push_back(&s);
            std::sort(due.begin(), due.end(), [](const Sleeping *a, const Sleeping *b) {
                return std::tie(a->deadline, a->order) < std::tie(b->deadline, b->order);
            });
            woke.clear();
            timers.poll();
            executor.run_until_stalled();
            ASSERT_EQ(woke.size(), due.size()) << "step " << step;
            for (std::size_t i = 0; i < due.size(); ++i) {
                EXPECT_EQ(woke[i].first, due[i]->id) << "step " << step << " position " << i;
                EXPECT_GE(woke[i].second, due[i]->deadline) << "woke early";
            }
            polls_that_fired += due.empty() ? 0 : 1;
        }
        // The tasks whose deadline came are done (and dropped from the model); the rest sleep.
        for (const auto &s : sleeping)
            ASSERT_EQ(s.handle.done(), s.deadline <= clock.now()) << "step " << step << " id " << s.id;
        std::erase_if(sleeping, [](const Sleeping &s) { return s.handle.done(); });
        ASSERT_EQ(timers.size(), sleeping.size()) << "step " << step;
        ASSERT_EQ(executor.task_count(), sleeping.size()) << "step " << step;
        if (!sleeping.empty()) {
            auto earliest = std::min_element(sleeping.begin(), sleeping.end(),
                                             [](const Sleeping &a, const Sleeping &b) { return a.deadline < b.deadline; });
            ASSERT_EQ(timers.next_deadline(), earliest->deadline) << "step " << step;
        }
    }
    EXPECT_GT(polls_that_fired, 100u);
    sleeping.clear(); // cancelled: detached tasks stay parked until the executor goes
}

} // namespace
