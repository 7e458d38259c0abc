// The waiting beneath libs/runtime's pthread mutexes, condition variables and once
// (src/pthread_sync.cpp, which sel4-microkit-pd builds), for a PD, which has one thread:
// libstdc++ and the unwinder lock their tables with them. A lock that one thread finds held
// by itself (or a wait for a signal only it could send) can never be released: that is a
// deadlock, reported as one. A PD has no clock of its own, so timed waits are refused.
#include <sel4/runtime/abort.hpp>

#include <cerrno>
#include <cstdint>
#include <ctime>

#include "wait_queue.hpp"

namespace sel4_runtime {

int futex_wait(const std::uint32_t *word, std::uint32_t expected, const std::uint64_t *) noexcept {
    if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != expected)
        return EAGAIN;
    fatal("deadlock: the PD's only thread waits for a lock or condition that only it could release");
}

int futex_wake(const std::uint32_t *, int) noexcept { return 0; }

std::uintptr_t current_thread_id() noexcept { return 1; }

std::uint64_t steady_now_ns() noexcept { return 0; }

bool steady_deadline(clockid_t, const timespec &, std::uint64_t &) noexcept { return false; }

} // namespace sel4_runtime
