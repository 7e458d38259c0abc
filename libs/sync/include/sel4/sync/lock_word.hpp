/// @file
/// The mutual-exclusion lock on one 32-bit word (U. Drepper, "Futexes are tricky", mutex 2):
/// an uncontended lock or unlock is one atomic operation; a contended lock sleeps on the
/// parker instead of spinning, and an unlock wakes one sleeper only when there may be one.
/// BasicMutex (sel4/sync/mutex.hpp) and the runtime's pthread mutexes (libs/runtime,
/// src/pthread_sync.cpp, beneath std::mutex) are this one algorithm.
#pragma once

#include <sel4/sync/parker.hpp>

#include <cstdint>

/// The lock-word algorithm, on a word the caller keeps (0 when unlocked).
namespace sel4::sync::lock_word {

/// The word's values.
enum : std::uint32_t {
    unlocked = 0,  ///< Free.
    locked = 1,    ///< Held, nobody sleeps on it.
    contended = 2, ///< Held, and a thread may sleep on it: the unlock wakes one.
};

/// Takes the lock if it is free; false if it is held.
inline bool try_lock(std::uint32_t &word) noexcept {
    std::uint32_t expected = unlocked;
    return __atomic_compare_exchange_n(&word, &expected, locked, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/// Takes the lock as a thread that may sleep: marks it contended, so that the unlock wakes a
/// sleeper. For a lock taken again after a wait on a condition variable, where other
/// threads may have been woken onto the lock too.
template <Parker P, class D = NoDeadline> bool lock_contended(std::uint32_t &word, D deadline = {}) noexcept {
    // Every thread that finds the lock held leaves it contended, so a holder's unlock always
    // knows to wake; the one that takes it this way keeps it contended (an unlock may then wake
    // a thread for nothing, which only costs that thread a look).
    while (detail::exchange(word, contended, __ATOMIC_ACQUIRE) != unlocked)
        if (!detail::park<P>(word, contended, deadline))
            return false;
    return true;
}

/// Takes the lock, sleeping while it is held; with a Deadline (a TimedParker), false when the
/// deadline passed first.
template <Parker P, class D = NoDeadline> bool lock(std::uint32_t &word, D deadline = {}) noexcept {
    if (try_lock(word))
        return true;
    return lock_contended<P>(word, deadline);
}

/// Releases the lock, waking one sleeper if it was contended.
template <Parker P> void unlock(std::uint32_t &word) noexcept {
    if (detail::exchange(word, unlocked, __ATOMIC_RELEASE) == contended)
        P::wake(&word, 1);
}

/// Whether the lock is held (a snapshot).
inline bool is_locked(const std::uint32_t &word) noexcept {
    return detail::load(word, __ATOMIC_RELAXED) != unlocked;
}

} // namespace sel4::sync::lock_word
