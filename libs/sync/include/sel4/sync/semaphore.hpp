/// @file
/// A counting semaphore on a parker: the count in one word, the number of sleepers in
/// another, so that a release enters the parker only when a thread may sleep.
#pragma once

#include <sel4/sync/parker.hpp>

#include <cstdint>

namespace sel4::sync {

/// A counting semaphore whose waiters sleep on the parker `P` (std::counting_semaphore's
/// operations, with the count up to UINT32_MAX).
///
/// Why no wake-up is lost: a thread that finds the count 0 first counts itself in the
/// sleepers, then looks at the count again and sleeps only while it is still 0 (which the
/// parker checks atomically against wake()). A release adds to the count, then reads the
/// sleepers. These four operations are sequentially consistent, so in their single total
/// order either the sleeper's second look comes after the release's addition (and it does not
/// sleep), or the release's read comes after the sleeper counted itself (and it wakes).
template <Parker P> class BasicSemaphore {
public:
    /// A semaphore with `permits` free.
    constexpr explicit BasicSemaphore(std::uint32_t permits = 0) noexcept : count_(permits) {}
    BasicSemaphore(const BasicSemaphore &) = delete;
    BasicSemaphore &operator=(const BasicSemaphore &) = delete;

    /// Takes a permit if one is free; false otherwise.
    bool try_acquire() noexcept {
        for (std::uint32_t seen = detail::load(count_, __ATOMIC_RELAXED); seen > 0;)
            if (detail::compare_exchange(count_, seen, seen - 1, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
                return true;
        return false;
    }
    /// Takes a permit, sleeping while none is free.
    void acquire() noexcept { (void)acquire(NoDeadline{}); }
    /// Takes a permit, sleeping at most until `deadline`; false if it passed first.
    bool try_acquire_until(Deadline deadline) noexcept
        requires TimedParker<P>
    {
        return acquire(deadline);
    }
    /// Frees `permits` permits, waking as many sleepers. The count must stay at most UINT32_MAX.
    void release(std::uint32_t permits = 1) noexcept {
        detail::fetch_add(count_, permits, __ATOMIC_SEQ_CST);
        if (detail::load(sleepers_, __ATOMIC_SEQ_CST) != 0)
            P::wake(&count_, permits > static_cast<std::uint32_t>(INT32_MAX) ? INT32_MAX : static_cast<int>(permits));
    }

    /// The free permits (a snapshot).
    std::uint32_t available() noexcept { return detail::load(count_, __ATOMIC_RELAXED); }

private:
    template <class D> bool acquire(D deadline) noexcept {
        while (!try_acquire()) {
            detail::fetch_add(sleepers_, 1, __ATOMIC_SEQ_CST);
            bool in_time = true;
            if (detail::load(count_, __ATOMIC_SEQ_CST) == 0)
                in_time = detail::park<P>(count_, 0, deadline);
            detail::fetch_sub(sleepers_, 1, __ATOMIC_RELAXED);
            if (!in_time)
                return try_acquire(); // one may have come with the deadline
        }
        return true;
    }

    std::uint32_t count_;
    std::uint32_t sleepers_ = 0;
};

} // namespace sel4::sync
