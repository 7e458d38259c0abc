// timer.timeouts: a client of the timer driver (timer_client.elf, the program of two PDs,
// timer_a and timer_b). Each runs sel4::async Timers on sel4::drivers::timer::Client (channel
// 2, as in the standard system fragment) and checks, at the same time as the other one, so
// that the driver multiplexes both clients' deadlines on its one hardware timeout:
// - three sleeps started together, longest first, wake in deadline order;
// - every sleep lasts at least what was asked and at most latest_late more, measured with
//   timer::Now and, on aarch64, with the physical counter CNTPCT (read here directly: the
//   driver's time base is the counter's), and both clocks agree;
// - timeout() in both outcomes (the task first; the deadline first, the task cancelled);
// - a deadline that has already passed is notified at once;
// - 40 sleeps of 1 to 4 ms in a row (the two clients' deadlines interleave).
// timer_b notifies timer_a (channel 3) when its checks passed; timer_a prints the success line
// once both did. timer_a's priority is above timer_b's, so that its lines (the ones the test
// looks for) are never cut by timer_b's characters on the shared debug console.
#include <sel4/async.hpp>
#include <sel4/async/microkit.hpp>
#include <sel4/debug.hpp>
#include <sel4/drivers/timer.hpp>
#include <sel4/microkit.hpp>
#include <test_support/ticks.hpp>
#include <test_support/timeouts.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace mk = sel4::microkit;
namespace as = sel4::async;
using namespace std::chrono_literals;

namespace {

constexpr mk::Channel timer_channel(2);
constexpr mk::Channel peer(3); // timer_b -> timer_a: "passed"
constexpr as::Duration latest_late = 500ms;

as::FramePool<16 * 1024> frames;

std::int64_t microseconds(as::Duration duration) {
    return std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
}

#if defined(__aarch64__)
std::uint64_t counter_ns() noexcept {
    return static_cast<std::uint64_t>(static_cast<unsigned __int128>(test_support::ticks()) * 1'000'000'000u /
                                      test_support::tick_rate());
}
#endif

class TimerClient : public mk::Handler {
public:
    TimerClient() : name_(mk::pd_name()), leader_(name_ == "timer_a") {
        auto task = executor_.spawn(checks());
        if (!task) {
            fail("the checks' frame does not fit in the frame pool");
            return;
        }
        main_ = std::move(*task);
        executor_.run_until_stalled();
    }

    void notified(mk::ChannelSet channels) {
        if (channels.contains(timer_channel)) {
            ++notifications_;
            timers_.poll();
        }
        if (channels.contains(peer) && !peer_passed_) {
            peer_passed_ = true;
            sel4::debug::println("timer.timeouts: {}: timer_b passed its checks", name_);
        }
        as::microkit::notified(executor_, channels);
        if (main_.done() && !finished_) {
            finished_ = true;
            passed_ = main_.take() && failures_ == 0;
            sel4::debug::println("timer.timeouts: {}: {} ({} timer notifications, {} sleeps)", name_,
                                 passed_ ? "checks passed" : "checks FAILED", notifications_, sleeps_);
            if (passed_ && !leader_)
                peer.notify();
            if (!passed_) // the runner's failure line: the test ends now, not at its timeout
                sel4::debug::println("cpp-sel4: test failed: timer.timeouts: {}'s checks", name_);
        }
        if (leader_ && finished_ && passed_ && peer_passed_ && !announced_) {
            announced_ = true;
            sel4::debug::println("timer.timeouts: test passed");
        }
    }

    // The reports of the checks (public for test_support::check_timeout).
    void fail(const char *what) {
        ++failures_;
        sel4::debug::println("timer.timeouts: {}: FAIL: {}", name_, what);
    }
    void check_elapsed(const char *what, as::Duration asked, as::Duration elapsed, bool quiet = false) {
        if (!quiet)
            sel4::debug::println("timer.timeouts: {}: {} of {} us took {} us", name_, what, microseconds(asked),
                                 microseconds(elapsed));
        if (elapsed < asked)
            fail("woke early");
        if (elapsed > asked + latest_late)
            fail("woke far too late");
    }

private:
    // One sleep, measured by the driver's time and (aarch64) by the counter.
    as::Task<void> measured_sleep(as::Duration duration, bool quiet) {
#if defined(__aarch64__)
        const std::uint64_t counter_start = counter_ns();
#endif
        const as::Instant start = timers_.now();
        co_await timers_.sleep_for(duration);
        const as::Instant end = timers_.now();
        ++sleeps_;
        check_elapsed("sleep", duration, end - start, quiet);
#if defined(__aarch64__)
        const as::Duration by_counter(static_cast<std::int64_t>(counter_ns() - counter_start));
        if (by_counter < duration)
            fail("the counter says the sleep was short");
        if (by_counter > duration + latest_late)
            fail("the counter says the sleep was far too long");
#endif
    }

    // A sleep to `start + duration`: the three sleepers share one start, so that their order
    // is their deadlines' however late each one begins (a busy host can stall the guest).
    as::Task<void> sleeper(as::Instant start, as::Duration duration, int id, std::array<int, 3> &order,
                           std::size_t &woken) {
        co_await timers_.sleep_until(start + duration);
        const as::Instant end = timers_.now();
        ++sleeps_;
        order[woken++] = id;
        check_elapsed("sleep", duration, end - start, false);
    }

    as::Task<bool> checks() {
        // The driver's time against the counter: the same base, apart by a call's latency.
#if defined(__aarch64__)
        {
            const std::uint64_t before = counter_ns();
            const std::uint64_t driver = timers_.now().nanoseconds();
            const std::uint64_t after = counter_ns();
            sel4::debug::println("timer.timeouts: {}: timer::Now {} ns, CNTPCT {} ns", name_, driver, before);
            if (driver < before || driver > after)
                fail("timer::Now is not the counter's time");
        }
#endif
        const as::Instant t0 = timers_.now();
        const as::Instant t1 = timers_.now();
        if (t1 < t0)
            fail("timer::Now went back");

        // Three sleeps started together, the longest first (offset per client, so the two
        // clients' deadlines interleave): they wake shortest first.
        const as::Duration offset = leader_ ? 0ms : 2ms;
        std::array<int, 3> order{};
        std::size_t woken = 0;
        const as::Instant start = timers_.now();
        co_await as::when_all(sleeper(start, 20ms + offset, 20, order, woken), sleeper(start, 1ms + offset, 1, order, woken),
                              sleeper(start, 5ms + offset, 5, order, woken));
        if (woken != 3 || order != std::array<int, 3>{1, 5, 20})
            fail("the sleeps did not wake in deadline order");
        else
            sel4::debug::println("timer.timeouts: {}: woke in order 1 5 20 ms", name_);

        // timeout(): the task first, then the deadline first (the task is cancelled).
        co_await test_support::check_timeout(timers_, *this);

        // A deadline that has passed is notified at once.
        // (A wait may end on a notification that came before it: count them instead. One that
        // never comes leaves the test without its success line.)
        const std::uint64_t before_past = notifications_;
        if (!clock_.try_set_timeout(1))
            fail("SetTimeout failed");
        while (notifications_ == before_past)
            co_await as::microkit::wait(executor_, timer_channel);
        sel4::debug::println("timer.timeouts: {}: a deadline in the past was notified at once", name_);
        if (!clock_.try_cancel_timeout())
            fail("CancelTimeout failed");

        // Many short sleeps in a row, interleaved with the other client's.
        for (int i = 0; i < 40; ++i)
            co_await measured_sleep(std::chrono::milliseconds(1 + (i * 7 + (leader_ ? 0 : 3)) % 4), true);
        sel4::debug::println("timer.timeouts: {}: 40 short sleeps, none early", name_);
        co_return failures_ == 0;
    }

    std::string_view name_;
    bool leader_;
    sel4::drivers::timer::Client clock_{timer_channel};
    as::Timers timers_{clock_};
    as::Executor executor_;
    as::JoinHandle<bool> main_;
    std::uint64_t notifications_ = 0, sleeps_ = 0;
    int failures_ = 0;
    bool finished_ = false, passed_ = false, peer_passed_ = false, announced_ = false;
};

TimerClient make_client() { return TimerClient(); }

} // namespace

SEL4_MICROKIT_PD(make_client)
