/// @file
/// The primitives for the root-task runtime's threads (std::thread, pthread_create): their
/// waiters block on their own seL4 notifications through the runtime's wait queue
/// (sel4/runtime/futex.hpp), the same waiting and the same algorithms as the runtime's
/// pthread mutexes, condition variables and once beneath std::mutex,
/// std::condition_variable and std::call_once. A program links them with sel4-root-task (or
/// sel4-root-task-no-exceptions), which has the runtime's threads.
///
/// ```cpp
/// sel4::sync::Mutex mutex;
/// std::lock_guard guard(mutex);
/// sel4::sync::Semaphore slots(4);
/// sel4::sync::OnceFlag once;
/// sel4::sync::call_once(once, [] { ... });
/// ```
#pragma once

#include <sel4/runtime/futex.hpp>
#include <sel4/sync/condition.hpp>
#include <sel4/sync/mutex.hpp>
#include <sel4/sync/once.hpp>
#include <sel4/sync/parker.hpp>
#include <sel4/sync/semaphore.hpp>

#include <cerrno>
#include <cstdint>

namespace sel4::sync {

/// The runtime's wait queue as a parker (a TimedParker on the runtime's steady clock).
struct ThreadParker {
    /// Blocks the calling thread on its notification while `*word == expected`.
    static void wait(const std::uint32_t *word, std::uint32_t expected) noexcept {
        (void)sel4_runtime::futex_wait(word, expected, nullptr);
    }
    /// As wait(), until `deadline` on sel4_runtime::steady_now_ns(); false when it passed.
    static bool wait_until(const std::uint32_t *word, std::uint32_t expected, Deadline deadline) noexcept {
        const std::uint64_t ns = deadline.ns();
        return sel4_runtime::futex_wait(word, expected, &ns) != ETIMEDOUT;
    }
    /// Wakes up to `count` threads waiting on `word`.
    static void wake(const std::uint32_t *word, int count) noexcept { (void)sel4_runtime::futex_wake(word, count); }
    /// The parker's clock: nanoseconds of the runtime's steady clock.
    static std::uint64_t now_ns() noexcept { return sel4_runtime::steady_now_ns(); }
};
static_assert(TimedParker<ThreadParker>);

/// A mutex for the runtime's threads: the algorithm of std::mutex here.
using Mutex = BasicMutex<ThreadParker>;
/// A counting semaphore for the runtime's threads.
using Semaphore = BasicSemaphore<ThreadParker>;
/// A once flag for the runtime's threads (call_once(flag, function)).
using OnceFlag = BasicOnceFlag<ThreadParker>;
/// A condition variable for Mutex: the algorithm of std::condition_variable here.
using ConditionVariable = BasicConditionVariable<ThreadParker>;

/// The deadline `ns` nanoseconds from now on ThreadParker's clock.
inline Deadline deadline_in(std::uint64_t ns) noexcept { return Deadline(ThreadParker::now_ns() + ns); }

} // namespace sel4::sync
