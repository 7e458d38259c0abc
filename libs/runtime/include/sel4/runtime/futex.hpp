/// @file
/// Futex-style waiting for the runtime's threads (src/threads.cpp, on seL4 notifications:
/// each thread blocks on its own): what the blocking primitives of sel4::sync (ThreadParker,
/// sel4/sync/thread.hpp) and the runtime's pthread objects stand on. In a PD
/// (sel4-microkit-pd), which has one thread, a wait that could only end by the thread's own
/// hand is reported as a deadlock.
#pragma once

#include <cstdint>

namespace sel4_runtime {

/// Blocks the calling thread while `*word == expected`, until futex_wake() wakes it or the
/// steady clock reaches `*deadline_ns` (nullptr: no deadline). Returns 0 when woken (callers
/// re-check their condition: a wake may be for another value), EAGAIN when `*word` was not
/// `expected`, ETIMEDOUT at the deadline.
int futex_wait(const std::uint32_t *word, std::uint32_t expected, const std::uint64_t *deadline_ns) noexcept;

/// Wakes up to `count` threads waiting on `word`; returns how many it woke.
int futex_wake(const std::uint32_t *word, int count) noexcept;

/// Nanoseconds of the steady clock.
std::uint64_t steady_now_ns() noexcept;

} // namespace sel4_runtime
