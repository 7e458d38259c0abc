// The spinlock behind pthread_mutex_lock/trylock/unlock.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "../src/c_library.hpp"

namespace {

TEST(PthreadMutex, ZeroInitialisedIsUnlocked) {
    sel4_runtime::PthreadMutex mutex{};
    EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&mutex), 0);
}

TEST(PthreadMutex, TrylockFailsWithEbusyWhileLocked) {
    sel4_runtime::PthreadMutex mutex{};
    EXPECT_EQ(cpp_sel4_pthread_mutex_lock(&mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&mutex), EBUSY);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_trylock(&mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_lock(&mutex), 0);
    EXPECT_EQ(cpp_sel4_pthread_mutex_unlock(&mutex), 0);
}

TEST(PthreadMutex, LockWaitsForTheHolder) {
    sel4_runtime::PthreadMutex mutex{};
    cpp_sel4_pthread_mutex_lock(&mutex);
    std::atomic<bool> acquired{false};
    std::thread waiter([&] {
        cpp_sel4_pthread_mutex_lock(&mutex);
        acquired = true;
        cpp_sel4_pthread_mutex_unlock(&mutex);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(acquired);
    cpp_sel4_pthread_mutex_unlock(&mutex);
    waiter.join();
    EXPECT_TRUE(acquired);
}

TEST(PthreadMutex, FourThreadsCountUnderTheLock) {
    sel4_runtime::PthreadMutex mutex{};
    long counter = 0; // plain: only the mutex keeps the increments whole
    constexpr int per_thread = 200000;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                if ((i + t) % 3 == 0) {
                    while (cpp_sel4_pthread_mutex_trylock(&mutex) != 0) {
                    }
                } else {
                    cpp_sel4_pthread_mutex_lock(&mutex);
                }
                counter = counter + 1;
                cpp_sel4_pthread_mutex_unlock(&mutex);
            }
        });
    for (auto &t : threads)
        t.join();
    EXPECT_EQ(counter, 4L * per_thread);
}

} // namespace
