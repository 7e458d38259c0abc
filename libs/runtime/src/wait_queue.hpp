// What the blocking primitives (pthread mutexes, condition variables, read-write locks,
// once, join; the futex system call of libstdc++'s atomic waits) stand on: futex-style
// waiting on a 32-bit word, the calling thread's identity, and deadlines on the steady
// clock. src/threads.cpp implements it with seL4 notifications; the host tests with Linux's.
#pragma once

#include <cstdint>
#include <ctime>

namespace sel4_runtime {

// Blocks the calling thread while *word == expected, until futex_wake wakes it or the
// steady clock reaches *deadline_ns (nullptr: no deadline). Returns 0 when woken (callers
// re-check their condition: a wake may be for another value), EAGAIN when *word was not
// `expected`, ETIMEDOUT at the deadline.
int futex_wait(const std::uint32_t *word, std::uint32_t expected, const std::uint64_t *deadline_ns) noexcept;

// Wakes up to `count` threads waiting on `word`; returns how many it woke.
int futex_wake(const std::uint32_t *word, int count) noexcept;

// A non-zero number naming the calling thread.
std::uintptr_t current_thread_id() noexcept;

// Nanoseconds of the steady clock.
std::uint64_t steady_now_ns() noexcept;

// The steady-clock deadline of an absolute time on clock `clock` (CLOCK_REALTIME,
// CLOCK_MONOTONIC, ...); false for a clock the runtime does not have.
bool steady_deadline(clockid_t clock, const timespec &absolute, std::uint64_t &deadline_ns) noexcept;

} // namespace sel4_runtime
