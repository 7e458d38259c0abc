// root-task.threads: std::thread and the synchronisation library on seL4 threads. 8 threads
// contend on a mutex and a condition variable; a barrier, a counting semaphore, a latch,
// atomic wait/notify, recursive and shared mutexes, call_once, thread_local destructors and
// join; jthread's stop token. On SMP worlds threads run on every core: a thread on core 1
// makes progress while the initial thread spins at a higher priority on core 0 (on one core
// it would starve).
#include "../check.hpp"

#include <sel4/runtime/root_task.hpp>

#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <pthread.h>
#include <sched.h>
#include <semaphore>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace {

constexpr int thread_count = 8;
constexpr int rounds = 200;

std::atomic<int> tls_destroyed{0};
struct Tracked {
    int value = 1;
    ~Tracked() { ++tls_destroyed; }
};
thread_local Tracked tracked;

} // namespace

int root_main(const sel4::BootInfo &boot_info) {
    CHECK(std::thread::hardware_concurrency() == boot_info.num_nodes());

    // A mutex and a condition variable: each thread waits for its turn, in order.
    std::mutex mutex;
    std::condition_variable turn_changed;
    int turn = 0;
    long counter = 0;
    std::barrier sync_point(thread_count);
    std::counting_semaphore<thread_count> slots(2);
    std::atomic<int> inside{0}, most_inside{0};
    std::latch all_done(thread_count);
    std::atomic<int> cores_seen[2] = {0, 0};
    std::recursive_mutex recursive;
    std::shared_mutex shared;
    int shared_value = 0;
    std::once_flag once;
    int once_calls = 0;
    std::vector<std::thread> threads;
    for (int id = 0; id < thread_count; ++id)
        threads.emplace_back([&, id] {
            tracked.value = id; // this thread's own, destroyed when it ends
            const int core = sched_getcpu();
            if (core >= 0 && core < 2)
                ++cores_seen[core];
            for (int r = 0; r < rounds; ++r) {
                std::unique_lock lock(mutex);
                turn_changed.wait(lock, [&] { return turn % thread_count == id; });
                ++counter;
                ++turn;
                turn_changed.notify_all();
            }
            sync_point.arrive_and_wait(); // everyone has finished the turns
            for (int r = 0; r < 20; ++r) {
                slots.acquire(); // at most 2 inside
                const int now = ++inside;
                int seen = most_inside.load();
                while (now > seen && !most_inside.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::yield();
                --inside;
                slots.release();
            }
            {
                std::scoped_lock both(recursive);
                std::scoped_lock again(recursive);
                std::unique_lock writer(shared);
                ++shared_value;
            }
            {
                std::shared_lock reader(shared);
                CHECK(shared_value >= 1);
            }
            std::call_once(once, [&] { ++once_calls; });
            all_done.count_down();
        });
    all_done.wait();
    CHECK(counter == thread_count * rounds);
    CHECK(turn == thread_count * rounds);
    CHECK(most_inside.load() >= 1 && most_inside.load() <= 2);
    CHECK(shared_value == thread_count && once_calls == 1);
    for (auto &thread : threads)
        thread.join();
    CHECK(tls_destroyed.load() == thread_count);
    sel4::debug::println("threads per core: {} on core 0, {} on core 1", cores_seen[0].load(), cores_seen[1].load());
    if (boot_info.num_nodes() > 1)
        CHECK(cores_seen[0].load() > 0 && cores_seen[1].load() > 0);

    // Atomic wait and notify.
    std::atomic<int> flag{0};
    std::thread waiter([&] {
        flag.wait(0);
        CHECK(flag.load() == 1);
        flag = 2;
        flag.notify_one();
    });
    flag = 1;
    flag.notify_one();
    flag.wait(1);
    CHECK(flag.load() == 2);
    waiter.join();

    // A timed wait that times out, and one that does not.
    {
        std::unique_lock lock(mutex);
        const auto start = std::chrono::steady_clock::now();
        CHECK(!turn_changed.wait_for(lock, std::chrono::milliseconds(20), [] { return false; }));
        CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(20));
    }
    std::binary_semaphore signalled(0);
    std::thread releaser([&] { signalled.release(); });
    CHECK(signalled.try_acquire_for(std::chrono::seconds(5)));
    releaser.join();

    // jthread: the stop request reaches the thread, and the destructor joins.
    std::atomic<bool> stopped{false};
    {
        std::jthread worker([&](std::stop_token token) {
            while (!token.stop_requested())
                std::this_thread::yield();
            stopped = true;
        });
    }
    CHECK(stopped.load());

    // Threads end and are made again many times over: their objects are reused.
    for (int i = 0; i < 50; ++i)
        std::thread([] { tracked.value = 2; }).join();

    if (boot_info.num_nodes() > 1) {
        // True parallelism: the initial thread spins without yielding at priority 255 on
        // core 0; a thread at 254 on core 1 must still set the flag.
        std::atomic<bool> progressed{false};
        std::binary_semaphore go(0); // blocks the thread until its priority and core are set
        std::thread other([&] {
            go.acquire();
            progressed = true;
        });
        sched_param low{};
        low.sched_priority = 254;
        CHECK(pthread_setschedparam(other.native_handle(), SCHED_OTHER, &low) == 0);
        cpu_set_t cores;
        CPU_ZERO(&cores);
        CPU_SET(1, &cores);
        CHECK(pthread_setaffinity_np(other.native_handle(), sizeof cores, &cores) == 0);
        go.release();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!progressed.load() && std::chrono::steady_clock::now() < deadline) {
        }
        CHECK(progressed.load());
        other.join();
        sel4::debug::println("a thread on core 1 ran while core 0 was busy");
    }
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
