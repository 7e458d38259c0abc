// The C++ twins of reference_loops.c's loops, on sel4::queue::net::Queue: the same work, the
// same order, so that their times compare the two queues and nothing else.
#pragma once

#include <sel4/queue/net.hpp>

#include <cstdint>
#include <thread>

namespace bench_async {

namespace net = sel4::queue::net;

/// `rounds` times: `batch` enqueues, then `batch` dequeues; the sum of what came out.
[[gnu::noinline]] inline std::uint64_t cxx_batches(const net::Queue &queue, std::uint32_t rounds,
                                                   std::uint32_t batch) noexcept {
    std::uint64_t sum = 0;
    std::uint64_t next = 0;
    for (std::uint32_t r = 0; r < rounds; ++r) {
        for (std::uint32_t i = 0; i < batch; ++i)
            if (!queue.enqueue({.io_or_offset = next++, .len = 64, .oid = 0}))
                return 0;
        for (std::uint32_t i = 0; i < batch; ++i) {
            auto buffer = queue.dequeue();
            if (!buffer)
                return 0;
            sum += buffer->io_or_offset + buffer->len;
        }
    }
    return sum;
}

/// `rounds` times the signalling of one batch on an empty queue; the requests seen.
[[gnu::noinline]] inline std::uint64_t cxx_signals(const net::Queue &queue, std::uint32_t rounds) noexcept {
    std::uint64_t seen = 0;
    for (std::uint32_t r = 0; r < rounds; ++r) {
        (void)queue.request_signal_if_empty(); // consumer, before it waits
        if (queue.should_notify())             // producer, after its batch
            ++seen;
    }
    return seen;
}

#if BENCH_ASYNC_HOSTED
/// Two threads: the producer's side, spinning (yielding) while the queue is full.
[[gnu::noinline]] inline void cxx_produce(const net::Queue &queue, std::uint64_t n) noexcept {
    for (std::uint64_t i = 0; i < n;) {
        if (queue.enqueue({.io_or_offset = i, .len = static_cast<std::uint16_t>(i), .oid = 0}))
            ++i;
        else
            std::this_thread::yield();
    }
}

/// Two threads: the consumer's side; the entries out of order.
[[gnu::noinline]] inline std::uint64_t cxx_consume(const net::Queue &queue, std::uint64_t n) noexcept {
    std::uint64_t wrong = 0;
    for (std::uint64_t i = 0; i < n;) {
        if (auto buffer = queue.dequeue()) {
            wrong += buffer->io_or_offset != i || buffer->len != static_cast<std::uint16_t>(i);
            ++i;
        } else {
            std::this_thread::yield();
        }
    }
    return wrong;
}
#endif

} // namespace bench_async
