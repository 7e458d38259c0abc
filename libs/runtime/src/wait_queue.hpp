// What the blocking primitives (pthread mutexes, condition variables, read-write locks,
// once, join; the futex system call of libstdc++'s atomic waits) stand on: futex-style
// waiting on a 32-bit word (the public part: sel4/runtime/futex.hpp), the calling thread's
// identity, and deadlines on the steady clock. src/threads.cpp implements it with seL4
// notifications; the host tests with Linux's.
#pragma once

#include <sel4/runtime/futex.hpp>

#include <cstdint>
#include <ctime>

namespace sel4_runtime {

// A non-zero number naming the calling thread.
std::uintptr_t current_thread_id() noexcept;

// The steady-clock deadline of an absolute time on clock `clock` (CLOCK_REALTIME,
// CLOCK_MONOTONIC, ...); false for a clock the runtime does not have.
bool steady_deadline(clockid_t clock, const timespec &absolute, std::uint64_t &deadline_ns) noexcept;

} // namespace sel4_runtime
