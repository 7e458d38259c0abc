// Clocks from the arch's counter (sel4/runtime/arch/counter.hpp): CLOCK_MONOTONIC counts from
// boot; CLOCK_REALTIME is the same count (no real-time clock is known to a root task), so
// system_clock gives time since boot. Sleeping yields until the deadline: a root task has
// no timer device to block on.
#include <sel4/runtime/abort.hpp>
#include <sel4/runtime/arch/counter.hpp>
#include <sel4/runtime/root_task.hpp>

#include <cerrno>
#include <ctime>

#include "wait_queue.hpp"

namespace sel4_runtime {

namespace {

struct Counter {
    std::uint64_t frequency;
    std::uint64_t start;
};

const Counter &counter() noexcept {
    static const Counter instance = [] {
        const std::uint64_t frequency = arch::counter_frequency(boot_info());
        if (frequency == 0)
            fatal("the platform does not give the counter's frequency: no clocks");
        return Counter{frequency, arch::counter()};
    }();
    return instance;
}

constexpr std::uint64_t ns_per_s = 1000000000;

// Every clock the runtime has is the steady one.
bool known_clock(clockid_t clock) noexcept {
    return clock == CLOCK_REALTIME || clock == CLOCK_MONOTONIC || clock == CLOCK_MONOTONIC_RAW ||
           clock == CLOCK_BOOTTIME;
}

timespec to_timespec(std::uint64_t ns) noexcept {
    return {static_cast<time_t>(ns / ns_per_s), static_cast<long>(ns % ns_per_s)};
}

} // namespace

std::uint64_t steady_now_ns() noexcept {
    const Counter &c = counter();
    const unsigned __int128 ticks = arch::counter() - c.start;
    return static_cast<std::uint64_t>(ticks * ns_per_s / c.frequency);
}

bool steady_deadline(clockid_t clock, const timespec &absolute, std::uint64_t &deadline_ns) noexcept {
    if (!known_clock(clock))
        return false;
    deadline_ns = absolute.tv_sec < 0 ? 0
                                      : static_cast<std::uint64_t>(absolute.tv_sec) * ns_per_s +
                                            static_cast<std::uint64_t>(absolute.tv_nsec);
    return true;
}

} // namespace sel4_runtime

extern "C" {

int clock_gettime(clockid_t clock, timespec *time) noexcept {
    if (!sel4_runtime::known_clock(clock)) {
        errno = EINVAL;
        return -1;
    }
    *time = sel4_runtime::to_timespec(sel4_runtime::steady_now_ns());
    return 0;
}

int clock_getres(clockid_t clock, timespec *resolution) noexcept {
    if (!sel4_runtime::known_clock(clock)) {
        errno = EINVAL;
        return -1;
    }
    const std::uint64_t frequency = sel4_runtime::counter().frequency;
    if (resolution != nullptr) // one tick, rounded up to whole nanoseconds
        *resolution = {0, static_cast<long>((sel4_runtime::ns_per_s + frequency - 1) / frequency)};
    return 0;
}

time_t time(time_t *out) noexcept {
    const auto now = static_cast<time_t>(sel4_runtime::steady_now_ns() / sel4_runtime::ns_per_s);
    if (out != nullptr)
        *out = now;
    return now;
}

int clock_nanosleep(clockid_t clock, int flags, const timespec *request, timespec *remaining) noexcept {
    constexpr int absolute_time = 1; // TIMER_ABSTIME
    std::uint64_t deadline = 0;
    if (request->tv_nsec < 0 || request->tv_nsec >= 1000000000 || request->tv_sec < 0 ||
        !sel4_runtime::steady_deadline(clock, *request, deadline))
        return EINVAL;
    if ((flags & absolute_time) == 0)
        deadline += sel4_runtime::steady_now_ns();
    while (sel4_runtime::steady_now_ns() < deadline)
        sel4::sys::yield();
    if (remaining != nullptr)
        *remaining = {0, 0};
    return 0;
}

int nanosleep(const timespec *request, timespec *remaining) noexcept {
    if (const int error = clock_nanosleep(CLOCK_MONOTONIC, 0, request, remaining)) {
        errno = error;
        return -1;
    }
    return 0;
}

} // extern "C"
