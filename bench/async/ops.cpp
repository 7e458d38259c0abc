// The bench PD of bench/async.sh (C++, cxx-minimal): per operation, in counter ticks (under
// QEMU's -icount shift=0, instructions: see bench/microkit/counter.h), in one boot:
//   queue-cxx / queue-c    32 enqueues then 32 dequeues, 1,000 rounds, on a queue of 64 in a
//                          shared memory region: sel4::queue::net::Queue against the C
//                          reference (reference_queue.h), per item;
//   signal-cxx / signal-c  the signalling of one batch (the consumer asks and checks again,
//                          the producer takes the request), 10,000 rounds;
//   loop                   the await loops' own cost: an iteration with nothing in it;
//   await-event            `co_await event` of a set sel4::async::Event (ready: no suspension);
//   await-task / call      `co_await` of a Task<int> that co_returns at once (its frame from
//                          the pool and back, in and out by symmetric transfer) against a
//                          plain call of a function that is not inlined;
//   await-yield            `co_await yield()`: a suspension through the ready queue and back;
// all inside one task on an Executor, 10,000 rounds each, and the frame pool's statistics
// (the bytes of each coroutine frame). Each line: `bench-async: <what> <n> rounds <ticks> ticks
// at <hz> Hz`.
#include "queue_loops.hpp"
#include "reference_queue.h"

#include "../microkit/counter.h"

#include <sel4/async.hpp>
#include <sel4/debug.hpp>
#include <sel4/microkit.hpp>
#include <sel4/queue/net.hpp>
#include <sel4/shared_memory.hpp>

#include <algorithm>
#include <cstdint>
#include <span>

namespace mk = sel4::microkit;
namespace net = sel4::queue::net;
namespace as = sel4::async;

SEL4_MICROKIT_VARIABLE(ring_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(ring_size, sel4::Word)

namespace {

constexpr std::uint32_t queue_rounds = 1000, batch = 32, capacity = 64;
constexpr std::uint32_t rounds = 10000;

as::FramePool<4096> frames;

void report(const char *what, std::uint64_t n, std::uint64_t ticks) {
    sel4::debug::println("bench-async: {} {} rounds {} ticks at {} Hz", what, n, ticks, bench_counter_hz());
}

// Zeroes the queue's page (a fresh queue for the next implementation).
void clear(sel4::shared_memory::Region region) {
    static constexpr std::byte zeros[64] = {};
    for (std::size_t at = 0; at < region.size; at += sizeof zeros)
        (void)region.copy_in(at, std::span<const std::byte>(zeros, std::min(sizeof zeros, region.size - at)));
}

void bench_queues() {
    const auto region = sel4::shared_memory::Region::at_address(ring_vaddr.get(), ring_size.get());
    const std::uint64_t n = std::uint64_t{queue_rounds} * batch;
    const std::uint64_t expected = n * (n - 1) / 2 + 64 * n;
    auto queue = net::Queue::attach(region, capacity);
    if (!queue) {
        sel4::debug::println("bench-async: FAIL: {}", sel4::queue::describe(queue.error()));
        return;
    }
    (void)bench_async::cxx_batches(*queue, 1, batch); // warm up
    std::uint64_t start = bench_counter();
    const std::uint64_t cxx_sum = bench_async::cxx_batches(*queue, queue_rounds, batch);
    std::uint64_t end = bench_counter();
    report("queue-cxx", n, end - start);

    clear(region);
    ref_handle handle{reinterpret_cast<ref_queue *>(region.base), capacity};
    (void)ref_batches(&handle, 1, batch);
    start = bench_counter();
    const std::uint64_t c_sum = ref_batches(&handle, queue_rounds, batch);
    end = bench_counter();
    report("queue-c", n, end - start);
    if (cxx_sum != expected || c_sum != expected)
        sel4::debug::println("bench-async: FAIL: wrong sums: C++ {}, C {}, expected {}", cxx_sum, c_sum, expected);

    start = bench_counter();
    const std::uint64_t cxx_seen = bench_async::cxx_signals(*queue, rounds);
    end = bench_counter();
    report("signal-cxx", rounds, end - start);
    start = bench_counter();
    const std::uint64_t c_seen = ref_signals(&handle, rounds);
    end = bench_counter();
    report("signal-c", rounds, end - start);
    if (cxx_seen != rounds || c_seen != rounds)
        sel4::debug::println("bench-async: FAIL: requests seen: C++ {}, C {}, of {}", cxx_seen, c_seen, rounds);
}

inline void barrier() { asm volatile("" ::: "memory"); }

as::Task<int> ready_value(int value) { co_return value; }
[[gnu::noinline]] int plain_value(int value) {
    barrier();
    return value;
}

std::size_t child_frame = 0, child_block = 0;

as::Task<void> bench_awaits() {
    std::uint64_t start = bench_counter();
    for (std::uint32_t i = 0; i < rounds; ++i)
        barrier();
    std::uint64_t end = bench_counter();
    report("loop", rounds, end - start);

    as::Event event;
    event.set();
    co_await event;
    start = bench_counter();
    for (std::uint32_t i = 0; i < rounds; ++i) {
        co_await event;
        barrier();
    }
    end = bench_counter();
    report("await-event", rounds, end - start);

    int sum = co_await ready_value(1);
    child_frame = frames.stats().last_frame;
    child_block = as::FrameAllocator::block_size(child_frame);
    start = bench_counter();
    for (std::uint32_t i = 0; i < rounds; ++i) {
        sum += co_await ready_value(static_cast<int>(i));
        barrier();
    }
    end = bench_counter();
    report("await-task", rounds, end - start);
    start = bench_counter();
    for (std::uint32_t i = 0; i < rounds; ++i) {
        sum += plain_value(static_cast<int>(i));
        barrier();
    }
    end = bench_counter();
    report("call", rounds, end - start);
    const int expected = 1 + 2 * static_cast<int>(std::uint64_t{rounds} * (rounds - 1) / 2);
    if (sum != expected)
        sel4::debug::println("bench-async: FAIL: awaited values sum to {}, not {}", sum, expected);

    co_await as::yield();
    start = bench_counter();
    for (std::uint32_t i = 0; i < rounds; ++i) {
        co_await as::yield();
        barrier();
    }
    end = bench_counter();
    report("await-yield", rounds, end - start);
}

struct Bench : mk::Handler {
    Bench() {
        bench_queues();
        auto task = executor.spawn(bench_awaits());
        if (!task) {
            sel4::debug::println("bench-async: FAIL: the task's frame does not fit");
            return;
        }
        const std::size_t task_frame = frames.stats().last_frame;
        executor.run_until_stalled();
        if (!task->done())
            sel4::debug::println("bench-async: FAIL: the bench task did not finish");
        const as::FramePoolStats &stats = frames.stats();
        sel4::debug::println("bench-async: frame bench-task {} bytes block {}", task_frame,
                             as::FrameAllocator::block_size(task_frame));
        sel4::debug::println("bench-async: frame ready-task {} bytes block {}", child_frame, child_block);
        sel4::debug::println("bench-async: frame record {} bytes block {}", sizeof(as::detail::SpawnedTask),
                             as::FrameAllocator::block_size(sizeof(as::detail::SpawnedTask)));
        sel4::debug::println("bench-async: pool {} allocations, high water {} bytes in {} blocks", stats.allocations,
                             stats.high_water_bytes, stats.high_water_blocks);
        sel4::debug::println("bench-async: done");
    }
    as::Executor executor;
};

Bench make_bench() { return Bench(); }

} // namespace

SEL4_MICROKIT_PD(make_bench)
