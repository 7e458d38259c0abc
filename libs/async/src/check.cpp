// Compiles every header of sel4-async in this world with the flags of target code
// (-fno-exceptions -fno-rtti -Wall -Wextra -Werror) and instantiates the templates once.
#include <sel4/async.hpp>

namespace sel4::async::check {

namespace {
Task<int> answer() { co_return 42; }
Task<void> user(Executor &executor, Event &event) {
    int value = co_await answer();
    (void)value;
    co_await event;
    (void)co_await executor.wait(1);
}
} // namespace

void instantiate(Executor &executor, Event &event) {
    if (auto handle = executor.spawn(user(executor, event)))
        handle->detach();
    executor.wake(1);
    event.set();
    (void)executor.run_until_stalled();
}

} // namespace sel4::async::check
