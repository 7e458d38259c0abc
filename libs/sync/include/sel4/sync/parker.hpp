/// @file
/// What the blocking primitives of sel4::sync stand on: a *parker*, futex-style waiting on a
/// 32-bit word. The primitives keep their state in such words and only ask the parker to put
/// the calling thread to sleep while a word still holds a value, and to wake sleepers.
///
/// A parker is a type with static functions (no state, so that a primitive is its words):
///
/// ```cpp
/// struct MyParker {
///     // Sleeps while *word == expected (the check and the sleep are atomic against wake());
///     // may return early: the callers re-check their condition.
///     static void wait(const std::uint32_t *word, std::uint32_t expected) noexcept;
///     // Wakes up to `count` threads sleeping on `word` (INT_MAX: all).
///     static void wake(const std::uint32_t *word, int count) noexcept;
///     // Optional (a TimedParker): as wait(), until `deadline` on the parker's clock; false
///     // when the deadline passed.
///     static bool wait_until(const std::uint32_t *word, std::uint32_t expected, Deadline deadline) noexcept;
/// };
/// ```
///
/// The parkers: ThreadParker (sel4/sync/thread.hpp: the root-task runtime's threads, each
/// blocking on its own seL4 notification; on the host, Linux's futex), YieldingParker (no
/// blocking object at all: it yields). The notification-only primitives
/// (sel4/sync/notification_mutex.hpp) need no parker.
#pragma once

#include <concepts>
#include <cstdint>

/// Mutexes, semaphores and once for threads in one address space, on a parker
/// (sel4/sync/parker.hpp) or on one seL4 notification each (sel4/sync/notification_mutex.hpp).
namespace sel4::sync {

/// The time a timed wait gives up: nanoseconds on the parker's clock (for ThreadParker the
/// runtime's steady clock, sel4_runtime::steady_now_ns()).
class Deadline {
public:
    /// The deadline `ns` nanoseconds after the clock's epoch.
    constexpr explicit Deadline(std::uint64_t ns) noexcept : ns_(ns) {}
    /// The deadline in nanoseconds.
    constexpr std::uint64_t ns() const noexcept { return ns_; }

private:
    std::uint64_t ns_;
};

/// No deadline: the algorithms take it where they wait without one.
struct NoDeadline {};

/// A parker: futex-style waiting on a 32-bit word (see the file's description).
template <class P>
concept Parker = requires(const std::uint32_t *word, std::uint32_t expected, int count) {
    { P::wait(word, expected) } noexcept;
    { P::wake(word, count) } noexcept;
};

/// A parker with a clock: it can also wait until a Deadline.
template <class P>
concept TimedParker = Parker<P> && requires(const std::uint32_t *word, std::uint32_t expected, Deadline deadline) {
    { P::wait_until(word, expected, deadline) } noexcept -> std::same_as<bool>;
};

/// A parker that has no object to block on: wait() looks at the word for a while without
/// entering the kernel, then gives up the processor (through `Yield`, seL4's yield on the
/// device) and returns; wake() does nothing. A waiter therefore spins, yielding now and then;
/// it makes progress only when the holder runs, so every thread that takes a primitive on it
/// must have the same priority or another core. For short critical sections in programs that
/// have no thread library (the log's line lock, sel4/log). The look before the yield keeps a
/// waiter on another core out of the kernel, whose lock every core's system calls take
/// (the holder's among them).
template <void (*Yield)() noexcept, int Spins = 256> struct YieldingParker {
    /// Returns once `*word` is no longer `expected`, or after `Spins` looks and a yield.
    static void wait(const std::uint32_t *word, std::uint32_t expected) noexcept {
        for (int spin = 0; spin < Spins; ++spin)
            if (__atomic_load_n(word, __ATOMIC_RELAXED) != expected)
                return;
        Yield();
    }
    /// Nothing: the waiters look again by themselves.
    static void wake(const std::uint32_t *, int) noexcept {}
};

namespace detail {

// The words' atomic operations. The GCC builtins rather than std::atomic_ref: <atomic>
// brings <pthread.h>, whose declarations the runtime's pthread objects, which use these
// algorithms, replace. The primitives keep plain words, so that a C layout (the runtime's
// pthread objects) can hold them; `order` is one of the __ATOMIC_* orders.
inline std::uint32_t load(const std::uint32_t &word, int order) noexcept { return __atomic_load_n(&word, order); }
inline std::uint32_t exchange(std::uint32_t &word, std::uint32_t value, int order) noexcept {
    return __atomic_exchange_n(&word, value, order);
}
// On failure, `expected` is the value found.
inline bool compare_exchange(std::uint32_t &word, std::uint32_t &expected, std::uint32_t desired, int success,
                             int failure) noexcept {
    return __atomic_compare_exchange_n(&word, &expected, desired, true, success, failure);
}
inline std::uint32_t fetch_add(std::uint32_t &word, std::uint32_t value, int order) noexcept {
    return __atomic_fetch_add(&word, value, order);
}
inline std::uint32_t fetch_sub(std::uint32_t &word, std::uint32_t value, int order) noexcept {
    return __atomic_fetch_sub(&word, value, order);
}

/// Sleeps on `word` while it is `expected`, without a deadline: true (it never times out).
template <Parker P> bool park(std::uint32_t &word, std::uint32_t expected, NoDeadline) noexcept {
    P::wait(&word, expected);
    return true;
}
/// Sleeps on `word` while it is `expected`, until `deadline`: false when it passed.
template <TimedParker P> bool park(std::uint32_t &word, std::uint32_t expected, Deadline deadline) noexcept {
    return P::wait_until(&word, expected, deadline);
}

} // namespace detail

} // namespace sel4::sync
