/// @file
/// A mutex and a counting semaphore that each need one seL4 notification and nothing else:
/// no thread library, no wait queue, no per-thread objects. For programs whose threads the
/// runtime did not make (a CapDL component's or a root task's own TCBs). Both are templates
/// over the notification, so that the host tests run them on an emulated one;
/// sel4/sync/notification.hpp names them for sel4::cap::Notification.
///
/// What they rely on is a seL4 notification used as a *binary* semaphore: signal() makes it
/// active (or hands the signal to one waiting thread), wait() blocks until it is active and
/// makes it idle again. Signals while it is active coalesce: two signals before a wait are one.
/// A signal and the wait it ends also order memory as a release and an acquire do (the
/// kernel's lock orders them on SMP; on one core they are in program order), so what a thread
/// wrote before it signalled is seen by the thread its signal wakes.
///
/// The notification must be idle when the primitive is made, and used by nothing else (not
/// bound to a TCB, not signalled by others). There are no timed waits: a waiter that gave up
/// would leave a signal meant for it to a thread that did not expect one.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>

namespace sel4::sync {

/// What the primitives need of a notification: signal() and wait() with seL4's semantics
/// (see the file's description).
template <class N>
concept BinarySignal = std::copy_constructible<N> && requires(const N &notification) {
    notification.signal();
    notification.wait();
};

/// A mutex on one notification: Benoît Schillings's "benaphore". A count of the threads that
/// hold or want the mutex; the notification hands the mutex from the releasing thread to one
/// waiter.
///
/// Proof that no hand-off is lost although signals coalesce. lock() increments the count; if
/// it was 0 the caller holds the mutex, otherwise it waits on the notification. unlock()
/// decrements it; if it was 1 nobody waits, otherwise it signals: the mutex passes to
/// whichever waiter consumes that signal, and the count still counts the others. Only the
/// holder unlocks, and a waiter that was handed the mutex becomes the holder only when its
/// wait consumes the signal, so a second signal can only be sent after the first was
/// consumed: at most one signal is ever pending, and nothing coalesces. A signal sent before
/// its waiter reached wait() leaves the notification active, and that wait returns at once.
/// Each signal is consumed by exactly one waiter, which then holds the mutex, so at most one
/// thread holds it; every waiter is counted, so every unlock while one waits signals.
template <BinarySignal N> class BasicNotificationMutex {
public:
    /// A free mutex on `notification` (idle, used by nothing else).
    explicit BasicNotificationMutex(N notification) noexcept : notification_(notification) {}
    BasicNotificationMutex(const BasicNotificationMutex &) = delete;
    BasicNotificationMutex &operator=(const BasicNotificationMutex &) = delete;

    /// Takes the mutex: one atomic operation when it is free, a wait on the notification
    /// otherwise.
    void lock() noexcept {
        if (count_.fetch_add(1, std::memory_order_acquire) != 0)
            (void)notification_.wait();
    }
    /// Takes the mutex if it is free; false otherwise.
    bool try_lock() noexcept {
        std::uint32_t expected = 0;
        return count_.compare_exchange_strong(expected, 1, std::memory_order_acquire, std::memory_order_relaxed);
    }
    /// Releases the mutex (held by the caller), handing it to a waiter if there is one.
    void unlock() noexcept {
        if (count_.fetch_sub(1, std::memory_order_release) != 1)
            notification_.signal();
    }

private:
    std::atomic<std::uint32_t> count_{0};
    N notification_;
};

/// A counting semaphore on one notification.
///
/// A signed count: the free permits, or minus the number of waiters. acquire() decrements it;
/// if it was positive the caller has a permit, otherwise it waits. release() increments it; if
/// it was negative a waiter is owed the permit: release adds a *token* and signals.
///
/// The naive version (each release signals once, each woken waiter leaves) loses wake-ups:
/// two releases before either of two waiters runs send two signals that coalesce into one,
/// and the second waiter sleeps for ever with its permit. Here a woken waiter takes a token
/// (a compare-and-swap on the tokens) and, if tokens are left, signals again, passing the
/// wake-up on; a waiter that finds no token (another one took it) waits again.
///
/// Proof that a token never waits while the notification is idle and a waiter sleeps. Every
/// token is added before a signal. The notification goes idle only when a wait returns, and
/// that waiter then either takes a token, signalling if more are left after it, or finds none.
/// Take the last wait that returned, at time t: a token present afterwards was either added
/// after t (and signalled after t), or it was there at t and this waiter's look at the tokens,
/// after t, saw it, so it took one and signalled for the rest. Either way the notification is
/// active again after the last time it went idle, and a sleeping waiter wakes. Tokens never
/// exceed the waiters that are owed them, so each token ends with a waiter returning.
template <BinarySignal N> class BasicNotificationSemaphore {
public:
    /// A semaphore with `permits` free (at most INT32_MAX) on `notification` (idle, used by
    /// nothing else).
    explicit BasicNotificationSemaphore(N notification, std::int32_t permits = 0) noexcept
        : count_(permits), notification_(notification) {}
    BasicNotificationSemaphore(const BasicNotificationSemaphore &) = delete;
    BasicNotificationSemaphore &operator=(const BasicNotificationSemaphore &) = delete;

    /// Takes a permit, waiting on the notification while none is free.
    void acquire() noexcept {
        if (count_.fetch_sub(1, std::memory_order_acquire) > 0)
            return;
        for (;;) {
            (void)notification_.wait();
            for (std::uint32_t seen = tokens_.load(std::memory_order_acquire); seen > 0;)
                if (tokens_.compare_exchange_weak(seen, seen - 1, std::memory_order_acquire,
                                                  std::memory_order_acquire)) {
                    if (seen > 1) // tokens left for other waiters: pass the wake-up on
                        notification_.signal();
                    return;
                }
        }
    }
    /// Takes a permit if one is free; false otherwise.
    bool try_acquire() noexcept {
        for (std::int32_t seen = count_.load(std::memory_order_relaxed); seen > 0;)
            if (count_.compare_exchange_weak(seen, seen - 1, std::memory_order_acquire, std::memory_order_relaxed))
                return true;
        return false;
    }
    /// Frees `permits` permits; the count must stay at most INT32_MAX.
    void release(std::int32_t permits = 1) noexcept {
        for (std::int32_t i = 0; i < permits; ++i)
            if (count_.fetch_add(1, std::memory_order_release) < 0) {
                tokens_.fetch_add(1, std::memory_order_release);
                notification_.signal();
            }
    }

    /// The free permits, or minus the number of waiters (a snapshot).
    std::int32_t value() const noexcept { return count_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::int32_t> count_;
    std::atomic<std::uint32_t> tokens_{0};
    N notification_;
};

} // namespace sel4::sync
