/// @file
/// BasicMutex: a mutex on a parker, the lock-word algorithm of sel4/sync/lock_word.hpp.
/// sel4::sync::Mutex (sel4/sync/thread.hpp) is the one for the runtime's threads.
#pragma once

#include <sel4/sync/lock_word.hpp>
#include <sel4/sync/parker.hpp>

#include <cstdint>

namespace sel4::sync {

/// A mutex whose waiters sleep on the parker `P`: one word, no owner, not recursive. It meets
/// the standard's Lockable requirements, so std::lock_guard and std::unique_lock take it.
/// Unlocking it from a thread that does not hold it, or locking it twice from one thread,
/// is undefined (as for std::mutex); the second lock deadlocks.
template <Parker P> class BasicMutex {
public:
    /// An unlocked mutex (constant-initialised: usable before the static constructors run).
    constexpr BasicMutex() noexcept = default;
    BasicMutex(const BasicMutex &) = delete;
    BasicMutex &operator=(const BasicMutex &) = delete;

    /// Takes the mutex, sleeping while another thread holds it.
    void lock() noexcept { (void)lock_word::lock<P>(word_); }
    /// Takes the mutex if it is free; false if it is held.
    bool try_lock() noexcept { return lock_word::try_lock(word_); }
    /// Takes the mutex, sleeping at most until `deadline`; false if it passed first.
    bool try_lock_until(Deadline deadline) noexcept
        requires TimedParker<P>
    {
        return lock_word::lock<P>(word_, deadline);
    }
    /// Releases the mutex (held by the calling thread), waking a waiter.
    void unlock() noexcept { lock_word::unlock<P>(word_); }

    /// The lock word, for the algorithms that work on it (a condition variable's wait).
    std::uint32_t &word() noexcept { return word_; }

private:
    std::uint32_t word_ = lock_word::unlocked;
};

} // namespace sel4::sync
