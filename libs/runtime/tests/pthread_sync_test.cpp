// The blocking primitives of src/pthread_sync.cpp with real threads (on Linux's futex):
// mutual exclusion under contention, recursive and error-checking kinds, condition
// variables with and without deadlines, read-write locks, once with a throwing initialiser.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

#include "../src/pthread_library.hpp"

namespace {

timespec in_ms(clockid_t clock, long ms) {
    timespec t{};
    clock_gettime(clock, &t);
    t.tv_nsec += ms * 1000000;
    t.tv_sec += t.tv_nsec / 1000000000;
    t.tv_nsec %= 1000000000;
    return t;
}

TEST(PthreadMutex, ZeroInitialisedIsAnUnlockedNormalMutex) {
    PthreadMutex mutex{};
    EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&mutex), EBUSY);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_destroy(&mutex), 0);
}

TEST(PthreadMutex, ExcludesUnderContention) {
    PthreadMutex mutex{};
    long counter = 0; // not atomic: only the mutex protects it
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 20000; ++i) {
                cpp_sel4_pthread_mutex_lock(&mutex);
                ++counter;
                cpp_sel4_pthread_mutex_unlock(&mutex);
            }
        });
    for (auto &thread : threads)
        thread.join();
    EXPECT_EQ(counter, 8 * 20000);
    EXPECT_EQ(mutex.state, 0u);
}

TEST(PthreadMutex, RecursiveAndErrorCheckingKinds) {
    PthreadMutexAttr attr{};
    cpp_sel4_pthread_mutexattr_init(&attr);
    EXPECT_EQ(cpp_sel4_pthread_mutexattr_settype(&attr, 7), EINVAL);
    ASSERT_EQ(cpp_sel4_pthread_mutexattr_settype(&attr, sel4_runtime::mutex_recursive), 0);
    PthreadMutex recursive{};
    cpp_sel4_pthread_mutex_init(&recursive, &attr);
    EXPECT_EQ(cpp_sel4_pthread_mutex_lock(&recursive), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_lock(&recursive), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&recursive), 0);
    std::thread([&] { EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&recursive), EBUSY); }).join();
    std::thread([&] { EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&recursive), EPERM); }).join();
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&recursive), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&recursive), EPERM);
    std::thread([&] {
        EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&recursive), 0);
        EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&recursive), 0);
    }).join();

    cpp_sel4_pthread_mutexattr_settype(&attr, sel4_runtime::mutex_errorcheck);
    PthreadMutex checking{};
    cpp_sel4_pthread_mutex_init(&checking, &attr);
    EXPECT_EQ(cpp_sel4_pthread_mutex_lock(&checking), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_lock(&checking), EDEADLK);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&checking), 0);
}

TEST(PthreadMutex, GlibcsRecursiveInitialiserMakesARecursiveMutex) {
    // PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP: zeros with __kind = 1.
    pthread_mutex_t glibc = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
    auto *mutex = reinterpret_cast<PthreadMutex *>(&glibc);
    EXPECT_EQ(cpp_sel4_pthread_mutex_lock(mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_lock(mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(mutex), EPERM);
}

TEST(PthreadMutex, ClocklockTimesOutWhileHeldElsewhere) {
    PthreadMutex mutex{};
    cpp_sel4_pthread_mutex_lock(&mutex);
    std::thread([&] {
        const timespec until = in_ms(CLOCK_MONOTONIC, 30);
        const auto start = std::chrono::steady_clock::now();
        EXPECT_EQ(cpp_sel4_pthread_mutex_clocklock(&mutex, CLOCK_MONOTONIC, &until), ETIMEDOUT);
        EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(25));
        timespec bad{0, 2000000000};
        EXPECT_EQ(cpp_sel4_pthread_mutex_timedlock(&mutex, &bad), EINVAL);
    }).join();
    cpp_sel4_pthread_mutex_unlock(&mutex);
    const timespec until = in_ms(CLOCK_REALTIME, 30);
    EXPECT_EQ(cpp_sel4_pthread_mutex_timedlock(&mutex, &until), 0);
    cpp_sel4_pthread_mutex_unlock(&mutex);
}

TEST(PthreadCond, ProducersAndConsumers) {
    PthreadMutex mutex{};
    PthreadCond cond{};
    int queued = 0, consumed = 0;
    constexpr int items = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (;;) {
                cpp_sel4_pthread_mutex_lock(&mutex);
                while (queued == 0 && consumed < items)
                    cpp_sel4_pthread_cond_wait(&cond, &mutex);
                if (consumed == items) {
                    cpp_sel4_pthread_mutex_unlock(&mutex);
                    cpp_sel4_pthread_cond_broadcast(&cond);
                    return;
                }
                --queued;
                ++consumed;
                cpp_sel4_pthread_mutex_unlock(&mutex);
            }
        });
    for (int i = 0; i < items; ++i) {
        cpp_sel4_pthread_mutex_lock(&mutex);
        ++queued;
        cpp_sel4_pthread_mutex_unlock(&mutex);
        cpp_sel4_pthread_cond_signal(&cond);
    }
    for (auto &thread : threads)
        thread.join();
    EXPECT_EQ(consumed, items);
    EXPECT_EQ(queued, 0);
}

TEST(PthreadCond, ClockwaitTimesOutAndHoldsTheMutexAgain) {
    PthreadMutex mutex{};
    PthreadCond cond{};
    cpp_sel4_pthread_mutex_lock(&mutex);
    const timespec until = in_ms(CLOCK_MONOTONIC, 20);
    EXPECT_EQ(cpp_sel4_pthread_cond_clockwait(&cond, &mutex, CLOCK_MONOTONIC, &until), ETIMEDOUT);
    EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&mutex), EBUSY); // held again
    std::thread([&] { EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&mutex), EBUSY); }).join();
    PthreadCondAttr attr{};
    cpp_sel4_pthread_condattr_init(&attr);
    EXPECT_EQ(cpp_sel4_pthread_condattr_setclock(&attr, 12345), EINVAL);
    EXPECT_EQ(cpp_sel4_pthread_condattr_setclock(&attr, CLOCK_MONOTONIC), 0);
    PthreadCond monotonic{};
    cpp_sel4_pthread_cond_init(&monotonic, &attr);
    const timespec soon = in_ms(CLOCK_MONOTONIC, 10);
    EXPECT_EQ(cpp_sel4_pthread_cond_timedwait(&monotonic, &mutex, &soon), ETIMEDOUT);
    cpp_sel4_pthread_mutex_unlock(&mutex);
}

TEST(PthreadRwlock, ReadersShareWritersExclude) {
    PthreadRwlock lock{};
    EXPECT_EQ(cpp_sel4_pthread_rwlock_rdlock(&lock), 0);
    EXPECT_EQ(cpp_sel4_pthread_rwlock_tryrdlock(&lock), 0);
    EXPECT_EQ(cpp_sel4_pthread_rwlock_trywrlock(&lock), EBUSY);
    const timespec until = in_ms(CLOCK_REALTIME, 20);
    EXPECT_EQ(cpp_sel4_pthread_rwlock_timedwrlock(&lock, &until), ETIMEDOUT);
    cpp_sel4_pthread_rwlock_unlock(&lock);
    cpp_sel4_pthread_rwlock_unlock(&lock);
    EXPECT_EQ(cpp_sel4_pthread_rwlock_wrlock(&lock), 0);
    EXPECT_EQ(cpp_sel4_pthread_rwlock_tryrdlock(&lock), EBUSY);
    const timespec soon = in_ms(CLOCK_MONOTONIC, 20);
    EXPECT_EQ(cpp_sel4_pthread_rwlock_clockrdlock(&lock, CLOCK_MONOTONIC, &soon), ETIMEDOUT);
    cpp_sel4_pthread_rwlock_unlock(&lock);
    EXPECT_EQ(cpp_sel4_pthread_rwlock_destroy(&lock), 0);

    long shared = 0;
    std::atomic<int> readers_inside{0}, most_readers{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 3000; ++i) {
                if ((i + t) % 3 == 0) {
                    cpp_sel4_pthread_rwlock_wrlock(&lock);
                    EXPECT_EQ(readers_inside.load(), 0);
                    ++shared;
                    cpp_sel4_pthread_rwlock_unlock(&lock);
                } else {
                    cpp_sel4_pthread_rwlock_rdlock(&lock);
                    const int inside = ++readers_inside;
                    most_readers = std::max(most_readers.load(), inside);
                    --readers_inside;
                    cpp_sel4_pthread_rwlock_unlock(&lock);
                }
            }
        });
    for (auto &thread : threads)
        thread.join();
    EXPECT_EQ(shared, 6 * 1000);
    EXPECT_EQ(lock.state, 0u);
}

int once_runs = 0;
bool once_throws = true;
void once_initialiser() {
    ++once_runs;
    if (once_throws) {
        once_throws = false;
        throw std::runtime_error("first try fails");
    }
}

TEST(PthreadOnce, RunsOnceAndAgainAfterAThrow) {
    PthreadOnce once = 0;
    EXPECT_THROW(cpp_sel4_pthread_once(&once, once_initialiser), std::runtime_error);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] { cpp_sel4_pthread_once(&once, once_initialiser); });
    for (auto &thread : threads)
        thread.join();
    EXPECT_EQ(once_runs, 2);
}

} // namespace
