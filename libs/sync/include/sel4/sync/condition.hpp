/// @file
/// A condition variable on a parker: one sequence word that every signal and broadcast
/// bumps. A waiter reads the sequence while it still holds the mutex, releases the mutex and
/// sleeps while the sequence is unchanged, so a signal sent after the release is never missed;
/// it then takes the mutex again as a contended waiter (sel4/sync/lock_word.hpp), since a
/// broadcast may have woken others onto it. The runtime's pthread condition variables
/// (beneath std::condition_variable) are this algorithm.
#pragma once

#include <sel4/sync/lock_word.hpp>
#include <sel4/sync/mutex.hpp>
#include <sel4/sync/parker.hpp>

#include <climits>
#include <cstdint>

/// The condition-variable algorithm, on a sequence word the caller keeps (any initial value).
namespace sel4::sync::condition_word {

/// The first step of a wait, with the mutex still held: the sequence to sleep on.
inline std::uint32_t prepare(std::uint32_t &sequence) noexcept {
    return detail::load(sequence, __ATOMIC_RELAXED);
}

/// The second step, after the caller released the mutex: sleeps while no signal came since
/// prepare() returned `seen`. May return without a signal (a spurious wake-up); false when
/// the deadline passed. The caller then takes the mutex again (lock_word::lock_contended).
template <Parker P, class D = NoDeadline> bool sleep(std::uint32_t &sequence, std::uint32_t seen, D deadline = {}) noexcept {
    return detail::park<P>(sequence, seen, deadline);
}

/// Wakes one waiter (if any).
template <Parker P> void signal(std::uint32_t &sequence) noexcept {
    detail::fetch_add(sequence, 1, __ATOMIC_RELEASE);
    P::wake(&sequence, 1);
}

/// Wakes every waiter.
template <Parker P> void broadcast(std::uint32_t &sequence) noexcept {
    detail::fetch_add(sequence, 1, __ATOMIC_RELEASE);
    P::wake(&sequence, INT_MAX);
}

} // namespace sel4::sync::condition_word

namespace sel4::sync {

/// A condition variable for BasicMutex<P>. Waits may wake spuriously: wait in a loop on the
/// condition, or with the predicate forms.
template <Parker P> class BasicConditionVariable {
public:
    /// A condition variable no thread waits on.
    constexpr BasicConditionVariable() noexcept = default;
    BasicConditionVariable(const BasicConditionVariable &) = delete;
    BasicConditionVariable &operator=(const BasicConditionVariable &) = delete;

    /// Releases `mutex` (held by the caller), sleeps until a signal (or spuriously), and takes
    /// `mutex` again.
    void wait(BasicMutex<P> &mutex) noexcept {
        const std::uint32_t seen = condition_word::prepare(sequence_);
        mutex.unlock();
        (void)condition_word::sleep<P>(sequence_, seen);
        (void)lock_word::lock_contended<P>(mutex.word());
    }
    /// Waits until `ready()` (called with `mutex` held) is true.
    template <class Predicate> void wait(BasicMutex<P> &mutex, Predicate ready) noexcept(noexcept(ready())) {
        while (!ready())
            wait(mutex);
    }
    /// As wait(), sleeping at most until `deadline`; false if it passed (the mutex is held again
    /// either way).
    bool wait_until(BasicMutex<P> &mutex, Deadline deadline) noexcept
        requires TimedParker<P>
    {
        const std::uint32_t seen = condition_word::prepare(sequence_);
        mutex.unlock();
        const bool woken = condition_word::sleep<P>(sequence_, seen, deadline);
        (void)lock_word::lock_contended<P>(mutex.word());
        return woken;
    }
    /// Waits until `ready()` or the deadline; returns `ready()`'s last result.
    template <class Predicate>
    bool wait_until(BasicMutex<P> &mutex, Deadline deadline, Predicate ready) noexcept(noexcept(ready()))
        requires TimedParker<P>
    {
        while (!ready())
            if (!wait_until(mutex, deadline))
                return ready();
        return true;
    }

    /// Wakes one waiter.
    void notify_one() noexcept { condition_word::signal<P>(sequence_); }
    /// Wakes every waiter.
    void notify_all() noexcept { condition_word::broadcast<P>(sequence_); }

private:
    std::uint32_t sequence_ = 0;
};

} // namespace sel4::sync
