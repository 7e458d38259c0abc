// sync.threads: libs/sync on seL4 threads. Several std::threads (on every core of an SMP
// world) contend on sel4::sync::Mutex, Semaphore, ConditionVariable and call_once (the
// runtime's wait queue: each thread blocks on its own notification), and on the
// notification-only NotificationMutex and NotificationSemaphore (one notification each, from
// the runtime's allocator); every count is checked. Then the threads log lines at once
// through sel4::log, whose line lock is libs/sync's mutex: check-lines.sh requires each line
// whole.
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>
#include <sel4/log.hpp>
#include <sel4/runtime/threads.hpp>
#include <sel4/sync.hpp>

#include <atomic>
#include <mutex>
#include <sched.h>
#include <thread>
#include <vector>

namespace {

constexpr int thread_count = 6;
constexpr int rounds = 1000;
constexpr int log_lines = 20; // per thread (check-lines.sh counts thread_count * log_lines)

template <class Body> void on_threads(Body body) {
    std::vector<std::thread> threads;
    for (int id = 0; id < thread_count; ++id)
        threads.emplace_back(body, id);
    for (auto &thread : threads)
        thread.join();
}

// `mutex` excludes: a plain counter under it ends at threads × rounds, and no two threads
// are ever inside at once.
template <class Mutex> void check_exclusion(Mutex &mutex) {
    long counter = 0;
    std::atomic<int> inside{0};
    std::atomic<bool> overlapped{false};
    on_threads([&](int) {
        for (int i = 0; i < rounds; ++i) {
            std::lock_guard guard(mutex);
            if (inside.fetch_add(1) != 0)
                overlapped = true;
            ++counter;
            if (i % 100 == 0)
                std::this_thread::yield(); // a holder that loses the processor
            inside.fetch_sub(1);
        }
    });
    CHECK(!overlapped.load());
    CHECK(counter == long{thread_count} * rounds);
}

// `slots` (with `permits` free) is never held by more than `permits` threads at once.
template <class Semaphore> int most_inside(Semaphore &slots) {
    std::atomic<int> inside{0}, most{0};
    on_threads([&](int) {
        for (int i = 0; i < rounds / 3; ++i) {
            slots.acquire();
            const int now = inside.fetch_add(1) + 1;
            for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
            }
            if (i % 16 == 0)
                std::this_thread::yield();
            inside.fetch_sub(1);
            slots.release();
        }
    });
    return most.load();
}

// Half the threads release `items`, half acquire as many: every acquire returns.
template <class Semaphore> void check_hand_over(Semaphore &items) {
    on_threads([&](int id) {
        for (int i = 0; i < rounds / 3; ++i)
            if (id % 2 == 0)
                items.release();
            else
                items.acquire();
    });
    CHECK(!items.try_acquire());
}

sel4::cap::Notification new_notification() {
    const auto slot = sel4_runtime::allocator().allocate(sel4::ObjectBlueprint::notification());
    CHECK(slot.has_value());
    return sel4::cap::Notification(*slot);
}

} // namespace

int root_main(const sel4::BootInfo &boot_info) {
    std::atomic<int> cores_seen[2] = {0, 0};
    {
        sel4::sync::Mutex mutex;
        check_exclusion(mutex);
        sel4::debug::println("sync: Mutex: {} threads x {} rounds excluded", thread_count, rounds);
    }
    {
        sel4::sync::Semaphore slots(2);
        const int most = most_inside(slots);
        CHECK(most >= 1 && most <= 2);
        CHECK(slots.available() == 2);
        sel4::sync::Semaphore items(0);
        check_hand_over(items);
        sel4::debug::println("sync: Semaphore: at most {} of 2 permits held; hand-over complete", most);
    }
    {
        sel4::sync::Mutex mutex;
        sel4::sync::ConditionVariable turn_changed;
        int turn = 0;
        bool in_order = true;
        on_threads([&](int id) {
            const int core = sched_getcpu();
            if (core >= 0 && core < 2)
                ++cores_seen[core];
            for (int r = 0; r < 50; ++r) {
                mutex.lock();
                turn_changed.wait(mutex, [&] { return turn % thread_count == id; });
                in_order = in_order && turn % thread_count == id;
                ++turn;
                turn_changed.notify_all();
                mutex.unlock();
            }
        });
        CHECK(in_order && turn == thread_count * 50);
        mutex.lock();
        CHECK(!turn_changed.wait_until(mutex, sel4::sync::deadline_in(10'000'000), [] { return false; }));
        bool other_got_it = true;
        std::thread([&] { other_got_it = mutex.try_lock(); }).join();
        CHECK(!other_got_it); // held again after the timed wait
        mutex.unlock();
        sel4::debug::println("sync: ConditionVariable: {} turns in order", turn);
    }
    {
        sel4::sync::OnceFlag once;
        std::atomic<int> calls{0}, late{0};
        int value = 0;
        on_threads([&](int) {
            sel4::sync::call_once(once, [&] {
                ++calls;
                std::this_thread::yield();
                value = 7;
            });
            if (value != 7)
                ++late;
        });
        CHECK(calls.load() == 1 && late.load() == 0 && once.is_done());
        sel4::debug::println("sync: call_once: ran once for {} threads", thread_count);
    }
    {
        sel4::sync::NotificationMutex mutex(new_notification());
        check_exclusion(mutex);
        sel4::sync::NotificationSemaphore slots(new_notification(), 2);
        const int most = most_inside(slots);
        CHECK(most >= 1 && most <= 2);
        CHECK(slots.value() == 2);
        sel4::sync::NotificationSemaphore items(new_notification());
        check_hand_over(items);
        CHECK(items.value() == 0);
        sel4::debug::println("sync: NotificationMutex and NotificationSemaphore: excluded, at most {} of 2, hand-over "
                             "complete",
                             most);
    }
    {
        // Lines from every thread at once: each must come out whole (check-lines.sh).
        sel4::log::set_name("sync");
        on_threads([](int id) {
            for (int line = 0; line < log_lines; ++line)
                sel4::log::info("thread {} line {} abcdefghijklmnopqrstuvwxyz", id, line);
        });
    }
    sel4::debug::println("sync: threads on core 0: {}, on core 1: {}", cores_seen[0].load(), cores_seen[1].load());
    if (boot_info.num_nodes() > 1)
        CHECK(cores_seen[0].load() > 0 && cores_seen[1].load() > 0);
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
