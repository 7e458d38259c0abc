// The parker primitives with real threads: ThreadParker on the runtime's wait queue as the
// host builds it (libs/runtime/tests/linux_wait_queue.cpp, Linux's futex), and YieldingParker.
// Mutual exclusion under contention, the lock word's states, timed locks, permits never
// exceeded, no lost wake-ups, once exactly once (and again after a throw), condition
// variables.
#include <sel4/sync/thread.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "watchdog.hpp"

namespace {

using namespace std::chrono_literals;
namespace sync = sel4::sync;

constexpr int thread_count = 8;

void yield_now() noexcept { std::this_thread::yield(); }
using YieldMutex = sync::BasicMutex<sync::YieldingParker<yield_now>>;

template <class M> void expect_exclusion(M &mutex, int threads, int rounds) {
    long counter = 0; // not atomic: only the mutex protects it
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&] {
            for (int i = 0; i < rounds; ++i) {
                std::lock_guard guard(mutex);
                if (inside.fetch_add(1) != 0)
                    overlapped = true;
                ++counter;
                inside.fetch_sub(1);
            }
        });
    for (auto &worker : workers)
        worker.join();
    EXPECT_FALSE(overlapped.load());
    EXPECT_EQ(counter, static_cast<long>(threads) * rounds);
}

TEST(Mutex, ExcludesUnderContention) {
    sync::Mutex mutex;
    within_seconds(20, "Mutex.ExcludesUnderContention", [&] { expect_exclusion(mutex, thread_count, 20000); });
    EXPECT_EQ(mutex.word(), sync::lock_word::unlocked);
}

TEST(Mutex, YieldingParkerExcludesToo) {
    YieldMutex mutex;
    within_seconds(20, "Mutex.YieldingParkerExcludesToo", [&] { expect_exclusion(mutex, 4, 5000); });
    EXPECT_EQ(mutex.word(), sync::lock_word::unlocked);
}

TEST(Mutex, TryLockFailsWhileHeld) {
    sync::Mutex mutex;
    ASSERT_TRUE(mutex.try_lock());
    EXPECT_EQ(mutex.word(), sync::lock_word::locked);
    std::thread([&] { EXPECT_FALSE(mutex.try_lock()); }).join();
    mutex.unlock();
    std::thread([&] {
        EXPECT_TRUE(mutex.try_lock());
        mutex.unlock();
    }).join();
}

TEST(Mutex, AWaiterMarksTheWordContendedAndTheUnlockWakesIt) {
    sync::Mutex mutex;
    mutex.lock();
    std::atomic<bool> got{false};
    within_seconds(10, "Mutex.AWaiterMarksTheWordContended", [&] {
        std::thread waiter([&] {
            mutex.lock();
            got = true;
            mutex.unlock();
        });
        while (__atomic_load_n(&mutex.word(), __ATOMIC_RELAXED) != sync::lock_word::contended)
            std::this_thread::yield();
        EXPECT_FALSE(got.load());
        mutex.unlock();
        waiter.join();
    });
    EXPECT_TRUE(got.load());
}

TEST(Mutex, TryLockUntilTimesOutWhileHeldAndSucceedsOnceFree) {
    sync::Mutex mutex;
    mutex.lock();
    std::thread([&] {
        const auto start = std::chrono::steady_clock::now();
        EXPECT_FALSE(mutex.try_lock_until(sync::deadline_in(20'000'000)));
        EXPECT_GE(std::chrono::steady_clock::now() - start, 19ms);
    }).join();
    std::atomic<bool> locked{false};
    std::thread late([&] {
        locked = mutex.try_lock_until(sync::deadline_in(5'000'000'000));
        if (locked)
            mutex.unlock();
    });
    std::this_thread::sleep_for(10ms);
    mutex.unlock();
    late.join();
    EXPECT_TRUE(locked.load());
}

TEST(Semaphore, PermitsAreNeverExceeded) {
    constexpr std::uint32_t permits = 3;
    sync::Semaphore slots(permits);
    std::atomic<int> inside{0}, most{0};
    within_seconds(20, "Semaphore.PermitsAreNeverExceeded", [&] {
        std::vector<std::thread> workers;
        for (int t = 0; t < thread_count; ++t)
            workers.emplace_back([&] {
                for (int i = 0; i < 5000; ++i) {
                    slots.acquire();
                    const int now = inside.fetch_add(1) + 1;
                    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
                    }
                    if (i % 64 == 0)
                        std::this_thread::yield();
                    inside.fetch_sub(1);
                    slots.release();
                }
            });
        for (auto &worker : workers)
            worker.join();
    });
    EXPECT_LE(most.load(), static_cast<int>(permits));
    EXPECT_GE(most.load(), 1);
    EXPECT_EQ(slots.available(), permits);
}

TEST(Semaphore, ReleasesWakeEverySleeper) {
    sync::Semaphore semaphore(0);
    std::atomic<int> through{0};
    within_seconds(10, "Semaphore.ReleasesWakeEverySleeper", [&] {
        std::vector<std::thread> sleepers;
        for (int t = 0; t < 4; ++t)
            sleepers.emplace_back([&] {
                semaphore.acquire();
                ++through;
            });
        std::this_thread::sleep_for(10ms);
        EXPECT_EQ(through.load(), 0);
        semaphore.release(3);
        semaphore.release();
        for (auto &sleeper : sleepers)
            sleeper.join();
    });
    EXPECT_EQ(through.load(), 4);
    EXPECT_EQ(semaphore.available(), 0u);
}

TEST(Semaphore, ProducersAndConsumersLoseNoWakeUp) {
    constexpr int per_thread = 20000;
    sync::Semaphore items(0);
    within_seconds(20, "Semaphore.ProducersAndConsumersLoseNoWakeUp", [&] {
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < per_thread; ++i)
                    items.release();
            });
            threads.emplace_back([&] {
                for (int i = 0; i < per_thread; ++i)
                    items.acquire();
            });
        }
        for (auto &thread : threads)
            thread.join();
    });
    EXPECT_EQ(items.available(), 0u);
    EXPECT_FALSE(items.try_acquire());
}

TEST(Semaphore, TryAcquireUntilTimesOutAndTakesALateRelease) {
    sync::Semaphore semaphore(0);
    EXPECT_FALSE(semaphore.try_acquire());
    EXPECT_FALSE(semaphore.try_acquire_until(sync::deadline_in(10'000'000)));
    std::thread releaser([&] {
        std::this_thread::sleep_for(10ms);
        semaphore.release();
    });
    EXPECT_TRUE(semaphore.try_acquire_until(sync::deadline_in(5'000'000'000)));
    releaser.join();
    EXPECT_EQ(semaphore.available(), 0u);
}

TEST(Once, RunsExactlyOnceAndEveryCallerSeesItsResult) {
    for (int round = 0; round < 50; ++round) {
        sync::OnceFlag once;
        int value = 0; // written by the function, read by every caller after call_once
        std::atomic<int> calls{0}, wrong{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> callers;
        for (int t = 0; t < thread_count; ++t)
            callers.emplace_back([&] {
                while (!go.load())
                    std::this_thread::yield();
                sync::call_once(once, [&] {
                    ++calls;
                    std::this_thread::sleep_for(100us);
                    value = 42;
                });
                if (value != 42)
                    ++wrong;
            });
        go = true;
        for (auto &caller : callers)
            caller.join();
        ASSERT_EQ(calls.load(), 1);
        ASSERT_EQ(wrong.load(), 0);
        EXPECT_TRUE(once.is_done());
    }
}

TEST(Once, AThrowingFunctionLetsTheNextCallerRunItsOwn) {
    sync::OnceFlag once;
    EXPECT_THROW(sync::call_once(once, [] { throw std::runtime_error("first"); }), std::runtime_error);
    EXPECT_FALSE(once.is_done());
    int ran = 0;
    sync::call_once(once, [&](int by) { ran += by; }, 2);
    sync::call_once(once, [&](int by) { ran += by; }, 5);
    EXPECT_EQ(ran, 2);
    EXPECT_TRUE(once.is_done());
}

TEST(Once, SleepersWakeWhenTheRunnerThrowsAndOneOfThemRunsIt) {
    sync::OnceFlag once;
    std::atomic<int> attempts{0};
    within_seconds(10, "Once.SleepersWakeWhenTheRunnerThrows", [&] {
        std::vector<std::thread> callers;
        for (int t = 0; t < 4; ++t)
            callers.emplace_back([&] {
                try {
                    sync::call_once(once, [&] {
                        std::this_thread::sleep_for(2ms);
                        if (attempts.fetch_add(1) == 0)
                            throw std::runtime_error("first attempt");
                    });
                } catch (const std::runtime_error &) {
                }
            });
        for (auto &caller : callers)
            caller.join();
    });
    EXPECT_EQ(attempts.load(), 2);
    EXPECT_TRUE(once.is_done());
}

TEST(ConditionVariable, ThreadsTakeTurnsInOrder) {
    sync::Mutex mutex;
    sync::ConditionVariable turn_changed;
    int turn = 0;
    std::vector<int> order;
    within_seconds(20, "ConditionVariable.ThreadsTakeTurnsInOrder", [&] {
        std::vector<std::thread> threads;
        for (int id = 0; id < 4; ++id)
            threads.emplace_back([&, id] {
                for (int r = 0; r < 200; ++r) {
                    mutex.lock();
                    turn_changed.wait(mutex, [&] { return turn % 4 == id; });
                    order.push_back(id);
                    ++turn;
                    turn_changed.notify_all();
                    mutex.unlock();
                }
            });
        for (auto &thread : threads)
            thread.join();
    });
    ASSERT_EQ(order.size(), 800u);
    for (std::size_t i = 0; i < order.size(); ++i)
        ASSERT_EQ(order[i], static_cast<int>(i % 4));
}

TEST(ConditionVariable, WaitUntilTimesOutWithTheMutexHeldAgain) {
    sync::Mutex mutex;
    sync::ConditionVariable never;
    mutex.lock();
    EXPECT_FALSE(never.wait_until(mutex, sync::deadline_in(10'000'000), [] { return false; }));
    EXPECT_TRUE(sel4::sync::lock_word::is_locked(mutex.word()));
    std::thread([&] { EXPECT_FALSE(mutex.try_lock()); }).join();
    mutex.unlock();
}

} // namespace
