// root-task.chrono: steady_clock advances; sleep_for(10ms) takes between 10 ms and 1 s of
// that clock; system_clock (time since boot here) and clock_gettime agree with it; an
// unknown clock is refused.
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <thread>

int root_main(const sel4::BootInfo &) {
    using namespace std::chrono;
    const auto start = steady_clock::now();
    auto later = steady_clock::now();
    for (int i = 0; i < 1000000 && later == start; ++i)
        later = steady_clock::now();
    CHECK(later > start);

    const auto before = steady_clock::now();
    std::this_thread::sleep_for(milliseconds(10));
    const auto slept = steady_clock::now() - before;
    sel4::debug::println("sleep_for(10ms) took {} us", duration_cast<microseconds>(slept).count());
    CHECK(slept >= milliseconds(10));
    CHECK(slept < seconds(1));

    const auto until = steady_clock::now() + milliseconds(5);
    std::this_thread::sleep_until(until);
    CHECK(steady_clock::now() >= until);

    const auto system = system_clock::now().time_since_epoch();
    CHECK(system > nanoseconds(0) && system < hours(1)); // time since boot
    timespec now{};
    CHECK(clock_gettime(CLOCK_MONOTONIC, &now) == 0);
    const auto via_c = seconds(now.tv_sec) + nanoseconds(now.tv_nsec);
    CHECK(via_c <= steady_clock::now().time_since_epoch() + milliseconds(1));
    timespec resolution{};
    CHECK(clock_getres(CLOCK_MONOTONIC, &resolution) == 0 && resolution.tv_sec == 0 && resolution.tv_nsec > 0);
    sel4::debug::println("counter resolution {} ns", resolution.tv_nsec);
    errno = 0;
    CHECK(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now) == -1 && errno == EINVAL);
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
