// pthread mutexes, condition variables, read-write locks and once, on futex-style waiting
// (src/wait_queue.hpp). The mutex, condition-variable and once algorithms are libs/sync's
// (sel4/sync/lock_word.hpp, condition.hpp, once.hpp), on its ThreadParker over this
// runtime's wait queue: std::mutex and sel4::sync::Mutex are one implementation. An
// uncontended lock or unlock is one atomic operation; a contended one blocks the thread (on
// seL4, on its notification) instead of spinning.
#include <sel4/sync/condition.hpp>
#include <sel4/sync/lock_word.hpp>
#include <sel4/sync/once.hpp>
#include <sel4/sync/thread.hpp>

#include <cerrno>
#include <climits>

#include "pthread_library.hpp"
#include "wait_queue.hpp"

namespace {

using sel4::sync::ThreadParker;
using sel4_runtime::current_thread_id;
using sel4_runtime::futex_wait;
using sel4_runtime::futex_wake;
namespace lock_word = sel4::sync::lock_word;
namespace condition_word = sel4::sync::condition_word;

std::uint32_t load(const std::uint32_t &word) { return __atomic_load_n(&word, __ATOMIC_ACQUIRE); }
bool compare_exchange(std::uint32_t &word, std::uint32_t expected, std::uint32_t desired) {
    return __atomic_compare_exchange_n(&word, &expected, desired, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

// A deadline from an absolute time, or the error to return: EINVAL for a bad time or clock.
int deadline_of(clockid_t clock, const timespec *absolute, std::uint64_t &deadline) {
    if (absolute == nullptr || absolute->tv_nsec < 0 || absolute->tv_nsec >= 1000000000)
        return EINVAL;
    return sel4_runtime::steady_deadline(clock, *absolute, deadline) ? 0 : EINVAL;
}

// The lock word (sel4::sync::lock_word), with or without a deadline.
int acquire(std::uint32_t &state, const std::uint64_t *deadline) {
    if (deadline == nullptr)
        return lock_word::lock<ThreadParker>(state) ? 0 : ETIMEDOUT;
    return lock_word::lock<ThreadParker>(state, sel4::sync::Deadline(*deadline)) ? 0 : ETIMEDOUT;
}

int lock_mutex(PthreadMutex *mutex, const std::uint64_t *deadline) {
    const std::uintptr_t self = current_thread_id();
    if (mutex->kind != sel4_runtime::mutex_normal && __atomic_load_n(&mutex->owner, __ATOMIC_RELAXED) == self) {
        if (mutex->kind == sel4_runtime::mutex_errorcheck)
            return EDEADLK;
        if (mutex->count == UINT32_MAX)
            return EAGAIN;
        ++mutex->count;
        return 0;
    }
    if (const int error = acquire(mutex->state, deadline))
        return error;
    __atomic_store_n(&mutex->owner, self, __ATOMIC_RELAXED);
    return 0;
}

int clock_lock_mutex(PthreadMutex *mutex, clockid_t clock, const timespec *absolute) {
    std::uint64_t deadline = 0;
    if (const int error = deadline_of(clock, absolute, deadline))
        return error;
    return lock_mutex(mutex, &deadline);
}

int wait_on(PthreadCond *cond, PthreadMutex *mutex, const std::uint64_t *deadline) {
    const std::uint32_t seen = condition_word::prepare(cond->sequence);
    const std::uint32_t count = mutex->count;
    mutex->count = 0;
    if (const int error = CPP_SEL4_C_NAME(pthread_mutex_unlock)(mutex))
        return error;
    const bool woken = deadline == nullptr
                           ? condition_word::sleep<ThreadParker>(cond->sequence, seen)
                           : condition_word::sleep<ThreadParker>(cond->sequence, seen, sel4::sync::Deadline(*deadline));
    (void)lock_word::lock_contended<ThreadParker>(mutex->state);
    __atomic_store_n(&mutex->owner, current_thread_id(), __ATOMIC_RELAXED);
    mutex->count = count;
    return woken ? 0 : ETIMEDOUT;
}

int clock_wait_on(PthreadCond *cond, PthreadMutex *mutex, clockid_t clock, const timespec *absolute) {
    std::uint64_t deadline = 0;
    if (const int error = deadline_of(clock, absolute, deadline))
        return error;
    return wait_on(cond, mutex, &deadline);
}

bool try_read(PthreadRwlock *lock, std::uint32_t &seen) {
    seen = load(lock->state);
    return (seen & PthreadRwlock::writer_bit) == 0 && seen + 1 < PthreadRwlock::writer_bit &&
           compare_exchange(lock->state, seen, seen + 1);
}

int read_lock(PthreadRwlock *lock, const std::uint64_t *deadline) {
    std::uint32_t seen = 0;
    while (!try_read(lock, seen))
        if ((seen & PthreadRwlock::writer_bit) != 0 && futex_wait(&lock->state, seen, deadline) == ETIMEDOUT)
            return ETIMEDOUT;
    return 0;
}

int write_lock(PthreadRwlock *lock, const std::uint64_t *deadline) {
    for (;;) {
        const std::uint32_t seen = load(lock->state);
        if (seen == 0 && compare_exchange(lock->state, 0, PthreadRwlock::writer_bit))
            return 0;
        if (seen != 0 && futex_wait(&lock->state, seen, deadline) == ETIMEDOUT)
            return ETIMEDOUT;
    }
}

template <class Lock> int clock_rwlock(PthreadRwlock *lock, clockid_t clock, const timespec *absolute, Lock how) {
    std::uint64_t deadline = 0;
    if (const int error = deadline_of(clock, absolute, deadline))
        return error;
    return how(lock, &deadline);
}

} // namespace

extern "C" {

int CPP_SEL4_C_NAME(pthread_mutexattr_init)(PthreadMutexAttr *attr) noexcept {
    attr->kind = sel4_runtime::mutex_normal;
    return 0;
}
int CPP_SEL4_C_NAME(pthread_mutexattr_destroy)(PthreadMutexAttr *) noexcept { return 0; }
int CPP_SEL4_C_NAME(pthread_mutexattr_settype)(PthreadMutexAttr *attr, int kind) noexcept {
    if (kind < sel4_runtime::mutex_normal || kind > 3) // 3: glibc's adaptive mutex, a normal one here
        return EINVAL;
    attr->kind = kind == 3 ? sel4_runtime::mutex_normal : kind;
    return 0;
}
int CPP_SEL4_C_NAME(pthread_mutexattr_gettype)(const PthreadMutexAttr *attr, int *kind) noexcept {
    *kind = attr->kind;
    return 0;
}

int CPP_SEL4_C_NAME(pthread_mutex_init)(PthreadMutex *mutex, const PthreadMutexAttr *attr) noexcept {
    *mutex = PthreadMutex{0, 0, 0, attr != nullptr ? attr->kind : sel4_runtime::mutex_normal};
    return 0;
}
int CPP_SEL4_C_NAME(pthread_mutex_destroy)(PthreadMutex *mutex) noexcept { return load(mutex->state) != 0 ? EBUSY : 0; }
int CPP_SEL4_C_NAME(pthread_mutex_lock)(PthreadMutex *mutex) noexcept { return lock_mutex(mutex, nullptr); }
int CPP_SEL4_C_NAME(pthread_mutex_trylock)(PthreadMutex *mutex) noexcept {
    const std::uintptr_t self = current_thread_id();
    if (mutex->kind == sel4_runtime::mutex_recursive && __atomic_load_n(&mutex->owner, __ATOMIC_RELAXED) == self) {
        ++mutex->count;
        return 0;
    }
    if (!lock_word::try_lock(mutex->state))
        return EBUSY;
    __atomic_store_n(&mutex->owner, self, __ATOMIC_RELAXED);
    return 0;
}
int CPP_SEL4_C_NAME(pthread_mutex_timedlock)(PthreadMutex *mutex, const timespec *absolute) noexcept {
    return clock_lock_mutex(mutex, CLOCK_REALTIME, absolute);
}
int CPP_SEL4_C_NAME(pthread_mutex_clocklock)(PthreadMutex *mutex, clockid_t clock, const timespec *absolute) noexcept {
    return clock_lock_mutex(mutex, clock, absolute);
}
int CPP_SEL4_C_NAME(pthread_mutex_unlock)(PthreadMutex *mutex) noexcept {
    if (mutex->kind != sel4_runtime::mutex_normal) {
        if (__atomic_load_n(&mutex->owner, __ATOMIC_RELAXED) != current_thread_id())
            return EPERM;
        if (mutex->count > 0) {
            --mutex->count;
            return 0;
        }
    }
    __atomic_store_n(&mutex->owner, 0, __ATOMIC_RELAXED);
    lock_word::unlock<ThreadParker>(mutex->state);
    return 0;
}

int CPP_SEL4_C_NAME(pthread_condattr_init)(PthreadCondAttr *attr) noexcept {
    attr->clock = CLOCK_REALTIME;
    return 0;
}
int CPP_SEL4_C_NAME(pthread_condattr_destroy)(PthreadCondAttr *) noexcept { return 0; }
int CPP_SEL4_C_NAME(pthread_condattr_setclock)(PthreadCondAttr *attr, clockid_t clock) noexcept {
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return EINVAL;
    attr->clock = clock;
    return 0;
}
int CPP_SEL4_C_NAME(pthread_cond_init)(PthreadCond *cond, const PthreadCondAttr *attr) noexcept {
    *cond = PthreadCond{0, static_cast<std::uint32_t>(attr != nullptr ? attr->clock : CLOCK_REALTIME)};
    return 0;
}
int CPP_SEL4_C_NAME(pthread_cond_destroy)(PthreadCond *) noexcept { return 0; }
int CPP_SEL4_C_NAME(pthread_cond_signal)(PthreadCond *cond) noexcept {
    condition_word::signal<ThreadParker>(cond->sequence);
    return 0;
}
int CPP_SEL4_C_NAME(pthread_cond_broadcast)(PthreadCond *cond) noexcept {
    condition_word::broadcast<ThreadParker>(cond->sequence);
    return 0;
}
int CPP_SEL4_C_NAME(pthread_cond_wait)(PthreadCond *cond, PthreadMutex *mutex) noexcept {
    return wait_on(cond, mutex, nullptr);
}
int CPP_SEL4_C_NAME(pthread_cond_timedwait)(PthreadCond *cond, PthreadMutex *mutex, const timespec *absolute) noexcept {
    return clock_wait_on(cond, mutex, static_cast<clockid_t>(cond->clock), absolute);
}
int CPP_SEL4_C_NAME(pthread_cond_clockwait)(PthreadCond *cond, PthreadMutex *mutex, clockid_t clock,
                                            const timespec *absolute) noexcept {
    return clock_wait_on(cond, mutex, clock, absolute);
}

int CPP_SEL4_C_NAME(pthread_rwlock_init)(PthreadRwlock *lock, const void *) noexcept {
    lock->state = 0;
    return 0;
}
int CPP_SEL4_C_NAME(pthread_rwlock_destroy)(PthreadRwlock *lock) noexcept { return load(lock->state) != 0 ? EBUSY : 0; }
int CPP_SEL4_C_NAME(pthread_rwlock_rdlock)(PthreadRwlock *lock) noexcept { return read_lock(lock, nullptr); }
int CPP_SEL4_C_NAME(pthread_rwlock_tryrdlock)(PthreadRwlock *lock) noexcept {
    std::uint32_t seen = 0;
    while (!try_read(lock, seen))
        if ((seen & PthreadRwlock::writer_bit) != 0 || seen + 1 >= PthreadRwlock::writer_bit)
            return EBUSY;
    return 0;
}
int CPP_SEL4_C_NAME(pthread_rwlock_timedrdlock)(PthreadRwlock *lock, const timespec *absolute) noexcept {
    return clock_rwlock(lock, CLOCK_REALTIME, absolute, read_lock);
}
int CPP_SEL4_C_NAME(pthread_rwlock_clockrdlock)(PthreadRwlock *lock, clockid_t clock, const timespec *absolute) noexcept {
    return clock_rwlock(lock, clock, absolute, read_lock);
}
int CPP_SEL4_C_NAME(pthread_rwlock_wrlock)(PthreadRwlock *lock) noexcept { return write_lock(lock, nullptr); }
int CPP_SEL4_C_NAME(pthread_rwlock_trywrlock)(PthreadRwlock *lock) noexcept {
    return compare_exchange(lock->state, 0, PthreadRwlock::writer_bit) ? 0 : EBUSY;
}
int CPP_SEL4_C_NAME(pthread_rwlock_timedwrlock)(PthreadRwlock *lock, const timespec *absolute) noexcept {
    return clock_rwlock(lock, CLOCK_REALTIME, absolute, write_lock);
}
int CPP_SEL4_C_NAME(pthread_rwlock_clockwrlock)(PthreadRwlock *lock, clockid_t clock, const timespec *absolute) noexcept {
    return clock_rwlock(lock, clock, absolute, write_lock);
}
int CPP_SEL4_C_NAME(pthread_rwlock_unlock)(PthreadRwlock *lock) noexcept {
    const std::uint32_t seen = load(lock->state);
    const std::uint32_t left = (seen & PthreadRwlock::writer_bit) != 0
                                   ? (__atomic_store_n(&lock->state, 0, __ATOMIC_RELEASE), 0u)
                                   : __atomic_sub_fetch(&lock->state, 1, __ATOMIC_RELEASE);
    if (left == 0) // writers (or, after a writer, readers) may be waiting
        futex_wake(&lock->state, INT_MAX);
    return 0;
}

// If the initialiser throws, the next caller runs it again (C++ [thread.once.callonce]).
int CPP_SEL4_C_NAME(pthread_once)(PthreadOnce *once, void (*initialiser)()) {
    sel4::sync::once_word::call_once<ThreadParker>(*once, initialiser);
    return 0;
}

} // extern "C"
