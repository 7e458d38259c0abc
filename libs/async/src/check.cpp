// Compiles every header of sel4-async in this world with the flags of target code
// (-fno-exceptions -fno-rtti -Wall -Wextra -Werror) and instantiates the templates once.
#include <sel4/async.hpp>

#if SEL4_ASYNC_CHECK_MICROKIT
#include <sel4/async/microkit.hpp>
#endif
#if defined(__aarch64__)
#include <sel4/async/arch/generic_timer.hpp>
#endif

#include <chrono>

namespace sel4::async::check {

namespace {
using namespace std::chrono_literals;

Task<int> answer() { co_return 42; }
Task<void> nothing() { co_return; }
Task<void> user(Executor &executor, Event &event, WaitQueue &queue, Timers &timers) {
    int value = co_await answer();
    co_await event;
    co_await queue.wait_until([&value]() noexcept { return value > 0; });
    (void)co_await executor.wait(1);
    auto [a, b] = co_await when_all(answer(), nothing());
    (void)a, (void)b;
    (void)co_await when_any(answer(), nothing());
    co_await timers.sleep_for(1ms);
    (void)co_await timers.timeout(answer(), 1ms);
    (void)co_await timers.deadline(nothing(), timers.now() + 1ms);
#if SEL4_ASYNC_CHECK_MICROKIT
    (void)co_await microkit::wait(executor, sel4::microkit::Channel(0));
#endif
}
} // namespace

void instantiate(Executor &executor, Event &event, WaitQueue &queue, Clock &clock) {
    Timers timers(clock);
    if (auto handle = executor.spawn(user(executor, event, queue, timers)))
        handle->detach();
    executor.wake(1);
    event.set();
    (void)queue.notify_all();
    (void)timers.poll();
    (void)executor.run_until_stalled();
#if defined(__aarch64__)
    arch::GenericTimerClock generic_timer;
    Timers hardware(generic_timer);
    (void)hardware.poll();
#endif
}

} // namespace sel4::async::check
