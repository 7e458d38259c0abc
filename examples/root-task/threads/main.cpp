// Threads with the standard library only: std::jthread workers share a queue guarded by a
// std::mutex and a std::condition_variable, a std::latch tells when all have started, and an
// atomic counts their work. Each thread is a seL4 TCB with its own stack, TLS block and IPC
// buffer; a waiting thread blocks on a seL4 notification (it does not spin). On a kernel with
// more than one core, the threads go to the cores in turn.
#include <sel4/runtime/root_task.hpp>

#include <sched.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <iostream>
#include <latch>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace {

// A queue of jobs that workers take until it is closed.
class JobQueue {
public:
    void push(std::uint64_t job) {
        {
            std::lock_guard lock(mutex_);
            jobs_.push_back(job);
        }
        ready_.notify_one();
    }
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        ready_.notify_all();
    }
    // The next job, or nothing once the queue is closed and empty.
    std::optional<std::uint64_t> pop() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return closed_ || !jobs_.empty(); });
        if (jobs_.empty()) {
            return std::nullopt;
        }
        std::uint64_t job = jobs_.front();
        jobs_.pop_front();
        return job;
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<std::uint64_t> jobs_;
    bool closed_ = false;
};

// Some work: the sum of the Collatz sequence's length for each number below `n`.
std::uint64_t collatz_steps_below(std::uint64_t n) {
    std::uint64_t total = 0;
    for (std::uint64_t start = 1; start < n; ++start) {
        for (std::uint64_t x = start; x != 1; x = x % 2 ? 3 * x + 1 : x / 2) {
            ++total;
        }
    }
    return total;
}

int threads_main(const sel4::BootInfo &) {
    constexpr int workers = 4;
    JobQueue queue;
    std::atomic<std::uint64_t> total{0};
    std::atomic<int> jobs_done{0};
    std::latch started(workers);
    {
        std::vector<std::jthread> pool;
        for (int i = 0; i < workers; ++i) {
            pool.emplace_back([&, i] {
                std::cout << "worker " << i << " started\n" << std::flush; // one line per write
                started.count_down();
                while (auto job = queue.pop()) {
                    total += collatz_steps_below(*job);
                    ++jobs_done;
                }
            });
        }
        started.wait();
        for (std::uint64_t job = 1000; job <= 2000; job += 100) {
            queue.push(job);
        }
        queue.close();
    } // the jthreads join here
    std::cout << jobs_done << " jobs done by " << workers << " threads, total " << total << '\n';

    std::uint64_t expected = 0; // the same work on this thread alone
    for (std::uint64_t job = 1000; job <= 2000; job += 100) {
        expected += collatz_steps_below(job);
    }
    std::cout << (total == expected ? "the same as" : "DIFFERENT FROM") << " one thread's result\n";
    std::cout << "the root task runs on core " << sched_getcpu() << " of " << std::thread::hardware_concurrency()
              << '\n';
    return total == expected ? 0 : 1;
}

} // namespace

SEL4_ROOT_TASK_MAIN(threads_main)
