// The notification-only primitives on an emulated seL4 notification: a binary semaphore of
// std::mutex, std::condition_variable and a flag, which coalesces signals as a notification
// does (a signal while it is active is lost in the one before), and which the tests can hold
// (waiters stay blocked although it is active), to make signals coalesce on purpose.
#include <sel4/sync/notification_mutex.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "watchdog.hpp"

namespace {

using namespace std::chrono_literals;
namespace sync = sel4::sync;

// The notification object; EmulatedNotification is a capability to it.
struct NotificationObject {
    std::mutex mutex;
    std::condition_variable changed;
    bool active = false;
    bool held = false; // the tests' hold: waiters do not return
    int waiting = 0;
    long signals = 0;
    long coalesced = 0; // signals that found it active already
};

class EmulatedNotification {
public:
    explicit EmulatedNotification(NotificationObject &object) : object_(&object) {}
    void signal() const {
        std::lock_guard lock(object_->mutex);
        ++object_->signals;
        if (object_->active)
            ++object_->coalesced;
        object_->active = true;
        object_->changed.notify_one();
    }
    void wait() const {
        std::unique_lock lock(object_->mutex);
        ++object_->waiting;
        object_->changed.wait(lock, [&] { return object_->active && !object_->held; });
        --object_->waiting;
        object_->active = false;
    }

private:
    NotificationObject *object_;
};
static_assert(sync::BinarySignal<EmulatedNotification>);

using Mutex = sync::BasicNotificationMutex<EmulatedNotification>;
using Semaphore = sync::BasicNotificationSemaphore<EmulatedNotification>;

void hold(NotificationObject &object, bool held) {
    std::lock_guard lock(object.mutex);
    object.held = held;
    object.changed.notify_all();
}

int waiting(NotificationObject &object) {
    std::lock_guard lock(object.mutex);
    return object.waiting;
}

TEST(NotificationMutex, ExcludesUnderContentionWithAtMostOneSignalPending) {
    NotificationObject object;
    Mutex mutex{EmulatedNotification(object)};
    long counter = 0;
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    within_seconds(20, "NotificationMutex.ExcludesUnderContention", [&] {
        std::vector<std::thread> workers;
        for (int t = 0; t < 8; ++t)
            workers.emplace_back([&] {
                for (int i = 0; i < 20000; ++i) {
                    std::lock_guard guard(mutex);
                    if (inside.fetch_add(1) != 0)
                        overlapped = true;
                    ++counter;
                    inside.fetch_sub(1);
                }
            });
        for (auto &worker : workers)
            worker.join();
    });
    EXPECT_FALSE(overlapped.load());
    EXPECT_EQ(counter, 8L * 20000);
    // The proof's claim: each hand-off's signal is consumed before the next is sent.
    EXPECT_GT(object.signals, 0) << "no contention: the test proved nothing";
    EXPECT_EQ(object.coalesced, 0);
    EXPECT_FALSE(object.active);
}

TEST(NotificationMutex, TryLockAndHandOffToABlockedWaiter) {
    NotificationObject object;
    Mutex mutex{EmulatedNotification(object)};
    ASSERT_TRUE(mutex.try_lock());
    std::thread([&] { EXPECT_FALSE(mutex.try_lock()); }).join();
    std::atomic<bool> got{false};
    within_seconds(10, "NotificationMutex.HandOff", [&] {
        std::thread waiter([&] {
            mutex.lock();
            got = true;
            mutex.unlock();
        });
        while (waiting(object) == 0)
            std::this_thread::yield();
        EXPECT_FALSE(got.load());
        mutex.unlock(); // signals: the waiter now holds it
        waiter.join();
    });
    EXPECT_TRUE(got.load());
    EXPECT_EQ(object.signals, 1);
    EXPECT_TRUE(mutex.try_lock());
    mutex.unlock();
}

TEST(NotificationSemaphore, SignalsThatCoalesceStillWakeEveryWaiter) {
    // Two waiters block; two releases signal twice while the notification is held, so the
    // signals coalesce into one. The waiter that consumes it must pass the wake-up on.
    NotificationObject object;
    Semaphore semaphore{EmulatedNotification(object)};
    hold(object, true);
    std::atomic<int> through{0};
    within_seconds(10, "NotificationSemaphore.SignalsThatCoalesce", [&] {
        std::vector<std::thread> waiters;
        for (int t = 0; t < 2; ++t)
            waiters.emplace_back([&] {
                semaphore.acquire();
                ++through;
            });
        while (semaphore.value() != -2 || waiting(object) != 2)
            std::this_thread::yield();
        semaphore.release(2);
        EXPECT_EQ(object.signals, 2);
        EXPECT_EQ(object.coalesced, 1);
        hold(object, false);
        for (auto &waiter : waiters)
            waiter.join();
    });
    EXPECT_EQ(through.load(), 2);
    EXPECT_EQ(semaphore.value(), 0);
}

TEST(NotificationSemaphore, PermitsAreNeverExceeded) {
    NotificationObject object;
    Semaphore slots{EmulatedNotification(object), 3};
    std::atomic<int> inside{0}, most{0};
    within_seconds(20, "NotificationSemaphore.PermitsAreNeverExceeded", [&] {
        std::vector<std::thread> workers;
        for (int t = 0; t < 8; ++t)
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
    EXPECT_LE(most.load(), 3);
    EXPECT_GE(most.load(), 1);
    EXPECT_EQ(slots.value(), 3);
}

TEST(NotificationSemaphore, ProducersAndConsumersLoseNoWakeUp) {
    NotificationObject object;
    Semaphore items{EmulatedNotification(object)};
    within_seconds(20, "NotificationSemaphore.ProducersAndConsumers", [&] {
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int left = 20000, i = 0; left > 0; ++i) { // in batches of 1 to 3
                    const int batch = std::min(left, 1 + i % 3);
                    items.release(batch);
                    left -= batch;
                }
            });
            threads.emplace_back([&] {
                for (int i = 0; i < 20000; ++i)
                    items.acquire();
            });
        }
        for (auto &thread : threads)
            thread.join();
    });
    EXPECT_EQ(items.value(), 0);
    EXPECT_FALSE(items.try_acquire());
}

TEST(NotificationSemaphore, TryAcquireTakesOnlyFreePermits) {
    NotificationObject object;
    Semaphore semaphore{EmulatedNotification(object), 1};
    EXPECT_TRUE(semaphore.try_acquire());
    EXPECT_FALSE(semaphore.try_acquire());
    semaphore.release();
    EXPECT_EQ(semaphore.value(), 1);
    EXPECT_EQ(object.signals, 0); // no waiter: no signal
}

} // namespace
