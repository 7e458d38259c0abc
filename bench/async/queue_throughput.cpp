// bench/async.sh's host part: the queue's throughput on the host, sel4::queue::net::Queue
// (SEL4_QUEUE_SMP 1: acquire/release indices) against the C reference (reference_queue.h,
// with its SMP fences), each the best of five runs, the two taking turns:
//   batches: one thread, 1,000,000 rounds of 32 enqueues then 32 dequeues (capacity 64);
//   threads: a producer and a consumer thread moving 20,000,000 descriptors through a queue
//            of 512, each yielding when the queue is full or empty.
// Prints `bench-async: host <case> <impl> <items> items <ns> ns [<wrong> wrong]` lines.
#include "queue_loops.hpp"
#include "reference_queue.h"

#include <sel4/queue/net.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>
#include <tuple>
#include <utility>

namespace {

namespace net = sel4::queue::net;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t batch_rounds = 1'000'000, batch = 32, batch_capacity = 64;
constexpr std::uint64_t thread_items = 20'000'000;
constexpr std::uint32_t thread_capacity = 512;
constexpr int runs = 5;

// Zeroed, 64-byte aligned memory for one queue: a fresh "shared region" per run.
struct Memory {
    explicit Memory(std::uint32_t capacity)
        : size(net::Queue::bytes_for(capacity)),
          bytes(static_cast<std::byte *>(::operator new(size, std::align_val_t{64}))) {
        std::fill(bytes, bytes + size, std::byte{0});
    }
    ~Memory() { ::operator delete(bytes, std::align_val_t{64}); }
    std::size_t size;
    std::byte *bytes;
};

std::int64_t since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

void report(const char *what, const char *impl, std::uint64_t items, std::int64_t ns, std::uint64_t wrong) {
    std::printf("bench-async: host %s %s %llu items %lld ns %llu wrong\n", what, impl,
                static_cast<unsigned long long>(items), static_cast<long long>(ns),
                static_cast<unsigned long long>(wrong));
}

// The best of `runs` runs of each, the two taking turns (so that a burst of load on the
// machine costs both alike).
template <class RunA, class RunB> std::pair<std::int64_t, std::int64_t> best_of(RunA run_a, RunB run_b) {
    std::int64_t best_a = 0, best_b = 0;
    for (int i = 0; i < runs; ++i) {
        const std::int64_t a = run_a();
        const std::int64_t b = run_b();
        best_a = i == 0 ? a : std::min(best_a, a);
        best_b = i == 0 ? b : std::min(best_b, b);
    }
    return {best_a, best_b};
}

} // namespace

int main() {
    // The sum both batch loops must give: sum over items of (index + 64).
    const std::uint64_t n = std::uint64_t{batch_rounds} * batch;
    const std::uint64_t expected_sum = n * (n - 1) / 2 + 64 * n;
    std::uint64_t wrong_cxx = 0, wrong_c = 0;

    auto [cxx_ns, c_ns] = best_of(
        [&] {
            Memory memory(batch_capacity);
            auto queue = *net::Queue::attach({memory.bytes, memory.size}, batch_capacity);
            const auto start = Clock::now();
            wrong_cxx += bench_async::cxx_batches(queue, batch_rounds, batch) != expected_sum;
            return since(start);
        },
        [&] {
            Memory memory(batch_capacity);
            ref_handle handle{reinterpret_cast<ref_queue *>(memory.bytes), batch_capacity};
            const auto start = Clock::now();
            wrong_c += ref_batches(&handle, batch_rounds, batch) != expected_sum;
            return since(start);
        });
    report("batches", "cxx", n, cxx_ns, wrong_cxx);
    report("batches", "c", n, c_ns, wrong_c);

    wrong_cxx = wrong_c = 0;
    std::tie(cxx_ns, c_ns) = best_of(
        [&] {
            Memory memory(thread_capacity);
            auto queue = *net::Queue::attach({memory.bytes, memory.size}, thread_capacity);
            const auto start = Clock::now();
            std::thread producer([&] { bench_async::cxx_produce(queue, thread_items); });
            wrong_cxx += bench_async::cxx_consume(queue, thread_items);
            producer.join();
            return since(start);
        },
        [&] {
            Memory memory(thread_capacity);
            ref_handle handle{reinterpret_cast<ref_queue *>(memory.bytes), thread_capacity};
            const auto start = Clock::now();
            std::thread producer([&] { ref_produce(&handle, thread_items); });
            wrong_c += ref_consume(&handle, thread_items);
            producer.join();
            return since(start);
        });
    report("threads", "cxx", thread_items, cxx_ns, wrong_cxx);
    report("threads", "c", thread_items, c_ns, wrong_c);
    return 0;
}
