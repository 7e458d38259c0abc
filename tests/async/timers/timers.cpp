// async.timers: sel4::async's Timers on the ARM generic timer in a Microkit PD.
//
// The PD's work is one task on its executor (the checks below, in order); the timer's
// interrupt comes on channel 0, where notified() polls the timers (which fires what expired
// and re-arms the compare value, dropping the interrupt's level), acknowledges the IRQ and
// runs the executor. Every elapsed time is measured with the counter (Clock::now() is the
// counter in nanoseconds, rounded down): a sleep is never shorter than asked, and at most
// latest_late longer (QEMU's TCG on a loaded host delivers interrupts late, not early).
#include <sel4/async.hpp>
#include <sel4/async/arch/generic_timer.hpp>
#include <sel4/async/microkit.hpp>

#include <sel4/debug.hpp>
#include <sel4/microkit.hpp>
#include <test_support/timeouts.hpp>

#include <array>
#include <chrono>
#include <cstdint>

namespace mk = sel4::microkit;
namespace as = sel4::async;
using namespace std::chrono_literals;

namespace {

constexpr mk::Channel timer_irq(0);
constexpr as::Duration latest_late = 500ms;

as::FramePool<16 * 1024> frames;

std::int64_t microseconds(as::Duration duration) {
    return std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
}

class TimersPd : public mk::Handler {
public:
    TimersPd() {
        sel4::debug::println("async.timers: counter frequency {} Hz", clock_.frequency());
        {
            as::Task<int> constant = answer();
            sel4::debug::println("async.timers: frame of a Task<int> that returns a constant: {} bytes (block {})",
                                 frames.stats().last_frame, as::FrameAllocator::block_size(frames.stats().last_frame));
        }
        auto task = executor_.spawn(checks());
        if (!task) {
            fail("the checks' frame does not fit in the frame pool");
            return;
        }
        main_ = std::move(*task);
        executor_.run_until_stalled();
    }

    void notified(mk::ChannelSet channels) {
        if (channels.contains(timer_irq)) {
            ++interrupts_;
            if (timers_.poll() == 0)
                ++empty_polls_;
            timer_irq.irq_ack();
        }
        as::microkit::notified(executor_, channels);
        if (main_.done() && !finished_) {
            finished_ = true;
            const bool passed = main_.take() && failures_ == 0;
            sel4::debug::println("async.timers: {} timer interrupts, {} with nothing to fire; frame pool: largest "
                                 "frame {} bytes, at most {} bytes in {} blocks",
                                 interrupts_, empty_polls_, frames.stats().largest_frame,
                                 frames.stats().high_water_bytes, frames.stats().high_water_blocks);
            sel4::debug::println(passed ? "async.timers: test passed" : "cpp-sel4: test failed: async.timers");
        }
    }

    // The reports of the checks (public for test_support::check_timeout).
    void fail(const char *what) {
        ++failures_;
        sel4::debug::println("async.timers: FAIL: {}", what);
    }
    // Checks that `elapsed` is at least `asked`, and not more than latest_late beyond it.
    void check_elapsed(const char *what, as::Duration asked, as::Duration elapsed) {
        sel4::debug::println("async.timers: {} of {} us took {} us", what, microseconds(asked), microseconds(elapsed));
        if (elapsed < asked)
            fail("woke early");
        if (elapsed > asked + latest_late)
            fail("woke far too late");
    }

private:
    static as::Task<int> answer() { co_return 42; }

    // A sleep to `start + duration`: the three sleepers share one start, so that their order
    // is their deadlines' however late each one begins (a busy host can stall the guest).
    as::Task<void> sleeper(as::Instant start, as::Duration duration, int id, std::array<int, 3> &order,
                           std::size_t &woken) {
        co_await timers_.sleep_until(start + duration);
        const as::Instant end = timers_.now();
        order[woken++] = id;
        check_elapsed("sleep", duration, end - start);
    }

    as::Task<void> cancelled_sleep(bool &woke) {
        co_await timers_.sleep_for(3ms);
        woke = true;
    }

    as::Task<bool> checks() {
        // Three sleeps started together, the longest first: they wake shortest first.
        std::array<int, 3> order{};
        std::size_t woken = 0;
        const as::Instant start = timers_.now();
        co_await as::when_all(sleeper(start, 20ms, 20, order, woken), sleeper(start, 1ms, 1, order, woken),
                              sleeper(start, 5ms, 5, order, woken));
        if (woken != 3 || order != std::array<int, 3>{1, 5, 20})
            fail("the sleeps did not wake in deadline order");
        else
            sel4::debug::println("async.timers: woke in order 1 5 20 ms");

        // timeout(): the task first, then the deadline first (the task is cancelled).
        co_await test_support::check_timeout(timers_, *this);

        // A sleep cancelled while it waits never wakes, and leaves the queue at once.
        bool woke = false;
        auto doomed = executor_.spawn(cancelled_sleep(woke));
        if (!doomed) {
            fail("no frame for the cancelled sleep");
            co_return false;
        }
        co_await as::yield(); // it runs and parks
        if (timers_.size() != 1)
            fail("the sleep to cancel is not queued");
        doomed->cancel();
        if (!timers_.empty())
            fail("the cancelled sleep is still queued");
        co_await timers_.sleep_for(10ms); // past its deadline: its stale interrupt comes first
        if (woke)
            fail("the cancelled sleep woke");
        else
            sel4::debug::println("async.timers: the cancelled sleep never woke");
        co_return failures_ == 0;
    }

    as::arch::GenericTimerClock clock_;
    as::Timers timers_{clock_};
    as::Executor executor_;
    as::JoinHandle<bool> main_;
    std::uint64_t interrupts_ = 0, empty_polls_ = 0;
    int failures_ = 0;
    bool finished_ = false;
};

TimersPd make_timers_pd() { return TimersPd(); }

} // namespace

SEL4_MICROKIT_PD(make_timers_pd)
