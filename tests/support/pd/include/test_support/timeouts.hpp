/// @file
/// The checks of sel4::async::Timers::timeout() that the tests of Timers share (async.timers
/// on the generic timer, timer.timeouts on the timer driver): in both outcomes, the task
/// first (its value) and the deadline first (the task cancelled, its sleep off the queue).
#pragma once

#include <sel4/async.hpp>

#include <chrono>

namespace test_support {

/// What check_timeout() reports through: `fail(what)` counts and prints a failed check,
/// `check_elapsed(what, asked, elapsed)` checks and prints how long a wait took.
template <class T>
concept TimerTest = requires(T &test, const char *what, sel4::async::Duration duration) {
    test.fail(what);
    test.check_elapsed(what, duration, duration);
};

/// `value` after a sleep of `duration` on `timers`.
inline sel4::async::Task<int> value_after(sel4::async::Timers &timers, sel4::async::Duration duration, int value) {
    co_await timers.sleep_for(duration);
    co_return value;
}

/// timeout() on `timers` in both outcomes, reported through `test`: a task of 2 ms within
/// 100 ms gives its value in 2 ms; a task of 50 ms within 10 ms times out after 10 ms, is
/// cancelled, and leaves no sleep queued.
template <TimerTest Test> sel4::async::Task<void> check_timeout(sel4::async::Timers &timers, Test &test) {
    using namespace std::chrono_literals;
    sel4::async::Instant start = timers.now();
    auto in_time = co_await timers.timeout(value_after(timers, 2ms, 7), 100ms);
    test.check_elapsed("timeout's task", 2ms, timers.now() - start);
    if (!in_time || *in_time != 7)
        test.fail("timeout() did not give the task's value");
    start = timers.now();
    auto too_late = co_await timers.timeout(value_after(timers, 50ms, 8), 10ms);
    const sel4::async::Duration took = timers.now() - start;
    test.check_elapsed("timeout", 10ms, took);
    if (too_late)
        test.fail("timeout() gave a value after its deadline");
    if (took >= 50ms)
        test.fail("timeout() waited for its task");
    if (!timers.empty())
        test.fail("the timed-out task's sleep is still queued");
}

} // namespace test_support
