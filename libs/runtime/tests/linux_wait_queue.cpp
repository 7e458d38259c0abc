// src/wait_queue.hpp on Linux, for the host tests of the blocking primitives: the futex
// system call, the thread id, CLOCK_MONOTONIC.
#include "../src/wait_queue.hpp"

#include <cerrno>
#include <climits>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sel4_runtime {

namespace {
constexpr std::uint64_t ns_per_s = 1000000000;
std::uint64_t ns_of(const timespec &t) {
    return static_cast<std::uint64_t>(t.tv_sec) * ns_per_s + static_cast<std::uint64_t>(t.tv_nsec);
}
} // namespace

std::uint64_t steady_now_ns() noexcept {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return ns_of(now);
}

bool steady_deadline(clockid_t clock, const timespec &absolute, std::uint64_t &deadline_ns) noexcept {
    timespec now{};
    if (clock_gettime(clock, &now) != 0)
        return false;
    const std::int64_t left = static_cast<std::int64_t>(ns_of(absolute)) - static_cast<std::int64_t>(ns_of(now));
    deadline_ns = steady_now_ns() + static_cast<std::uint64_t>(left > 0 ? left : 0);
    return true;
}

int futex_wait(const std::uint32_t *word, std::uint32_t expected, const std::uint64_t *deadline_ns) noexcept {
    timespec until{};
    if (deadline_ns != nullptr)
        until = {static_cast<time_t>(*deadline_ns / ns_per_s), static_cast<long>(*deadline_ns % ns_per_s)};
    const long result = syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, expected,
                                deadline_ns != nullptr ? &until : nullptr, nullptr, FUTEX_BITSET_MATCH_ANY);
    if (result == 0)
        return 0;
    return errno == ETIMEDOUT ? ETIMEDOUT : errno == EAGAIN ? EAGAIN : 0;
}

int futex_wake(const std::uint32_t *word, int count) noexcept {
    return static_cast<int>(syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0));
}

std::uintptr_t current_thread_id() noexcept { return static_cast<std::uintptr_t>(gettid()); }

} // namespace sel4_runtime
