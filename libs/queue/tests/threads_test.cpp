// Two threads, one producer and one consumer, as two PDs on two cores: 10,000,000 buffer
// descriptors through a net::QueuePair (active: producer to consumer; free: the buffers back)
// with sDDF's signalling protocol, each side waiting on its own "notification" when it has
// nothing to do, and every descriptor checked for order and contents. A lost wake-up (a
// protocol bug) shows as a wait that times out; a torn or reordered slot as a wrong entry.
// Built twice: as part of queue-unit-tests and alone under ThreadSanitizer (queue-tsan).
#include <sel4/queue.hpp>

#include "shared_buffer.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace net = sel4::queue::net;
namespace blk = sel4::queue::blk;
using queue_test::SharedBuffer;

namespace {

constexpr std::uint64_t items = 10'000'000;
constexpr auto patience = std::chrono::seconds(20); // a wait this long is a lost wake-up

// A seL4 notification between two threads: signals merge into one pending bit.
class Notification {
public:
    void signal() {
        {
            std::lock_guard lock(mutex_);
            pending_ = true;
        }
        ++signals_;
        wake_.notify_one();
    }
    // False when nothing came within `patience`.
    bool wait() {
        std::unique_lock lock(mutex_);
        if (!wake_.wait_for(lock, patience, [this] { return pending_; }))
            return false;
        pending_ = false;
        return true;
    }
    std::uint64_t signals() const { return signals_.load(); }

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = false;
    std::atomic<std::uint64_t> signals_{0};
};

net::BufferDescriptor message(std::uint64_t n, std::uint64_t buffer) {
    return {.io_or_offset = (n << 16) | buffer, .len = static_cast<std::uint16_t>(n * 40503u),
            .oid = static_cast<std::uint8_t>(n & 63)};
}

TEST(Threads, TenMillionDescriptorsInOrderWithSignalling) {
    constexpr std::uint32_t capacity = 256;
    SharedBuffer free_memory(net::Queue::bytes_for(capacity));
    SharedBuffer active_memory(net::Queue::bytes_for(capacity));
    // Start the indices near the top, so that they wrap within the first lap as well.
    free_memory.set<std::uint16_t>(0, 65500);
    free_memory.set<std::uint16_t>(2, 65500);
    active_memory.set<std::uint16_t>(0, 65400);
    active_memory.set<std::uint16_t>(2, 65400);
    const auto producer_side = *net::QueuePair::attach(free_memory.region(), active_memory.region(), capacity);
    const auto consumer_side = *net::QueuePair::attach(free_memory.region(), active_memory.region(), capacity);
    // The buffers' owner (the producer) fills the free queue: ids 0..255 in the low bits.
    for (std::uint64_t buffer = 0; buffer < capacity; ++buffer)
        ASSERT_TRUE(producer_side.free.enqueue({.io_or_offset = buffer, .len = 0, .oid = 0}));

    Notification to_producer, to_consumer;
    std::atomic<bool> producer_stuck{false}, consumer_stuck{false}, refused{false};
    std::uint64_t wrong = 0, first_wrong = items, received = 0;

    std::thread producer([&] {
        std::uint64_t n = 0;
        while (n < items) {
            auto buffer = producer_side.free.dequeue();
            if (!buffer) {
                if (producer_side.active.should_notify())
                    to_consumer.signal();
                if (producer_side.free.request_signal_if_empty() && !to_producer.wait()) {
                    producer_stuck = true;
                    return;
                }
                continue;
            }
            if (!producer_side.active.enqueue(message(n, buffer->io_or_offset & 0xffff))) {
                refused = true; // never: at most `capacity` buffers exist
                return;
            }
            ++n;
            if (n % 64 == 0 && producer_side.active.should_notify())
                to_consumer.signal();
        }
        if (producer_side.active.should_notify())
            to_consumer.signal();
    });
    std::thread consumer([&] {
        while (received < items) {
            auto got = consumer_side.active.dequeue();
            if (!got) {
                if (consumer_side.free.should_notify())
                    to_producer.signal();
                if (consumer_side.active.request_signal_if_empty() && !to_consumer.wait()) {
                    consumer_stuck = true;
                    return;
                }
                continue;
            }
            const std::uint64_t buffer = got->io_or_offset & 0xffff;
            const net::BufferDescriptor want = message(received, buffer);
            if (got->io_or_offset != want.io_or_offset || got->len != want.len || got->oid != want.oid) {
                if (wrong++ == 0)
                    first_wrong = received;
            }
            ++received;
            if (!consumer_side.free.enqueue({.io_or_offset = buffer, .len = 0, .oid = 0})) {
                refused = true;
                return;
            }
            if (received % 64 == 0 && consumer_side.free.should_notify())
                to_producer.signal();
        }
    });
    producer.join();
    consumer.join();

    EXPECT_FALSE(producer_stuck) << "the producer waited " << patience.count() << " s for a free buffer";
    EXPECT_FALSE(consumer_stuck) << "the consumer waited " << patience.count() << " s, " << received << " received";
    EXPECT_FALSE(refused);
    EXPECT_EQ(received, items);
    EXPECT_EQ(wrong, 0u) << "first wrong entry: " << first_wrong;
    // Every buffer is back in the free queue, the active one empty.
    EXPECT_EQ(producer_side.free.length(), capacity);
    EXPECT_TRUE(producer_side.active.empty());
    EXPECT_EQ(active_memory.get<std::uint16_t>(0), static_cast<std::uint16_t>(65400 + items));
    // Notifications were sent only on request: far fewer than items.
    EXPECT_LT(to_consumer.signals() + to_producer.signals(), items / 8);
    std::printf("[          ] %llu descriptors, %llu notifications to the consumer, %llu to the producer\n",
                static_cast<unsigned long long>(items), static_cast<unsigned long long>(to_consumer.signals()),
                static_cast<unsigned long long>(to_producer.signals()));
}

// The 32-bit indices of the block queues, wrapping while both threads run: one million
// requests, each answered by a response with its id, the two sides spinning (yielding) on
// full and empty queues.
TEST(Threads, BlockRequestsAcrossTheIndexWrap) {
    constexpr std::uint32_t capacity = 64;
    constexpr std::uint32_t requests = 1'000'000;
    SharedBuffer request_memory(blk::RequestQueue::bytes_for(capacity));
    SharedBuffer response_memory(blk::ResponseQueue::bytes_for(capacity));
    for (std::size_t at : {0u, 4u}) {
        request_memory.set<std::uint32_t>(at, 0xffffffffu - requests / 2);
        response_memory.set<std::uint32_t>(at, 0xffffffffu - requests / 3);
    }
    const auto client = *blk::QueuePair::attach(request_memory.region(), response_memory.region(), capacity);
    const auto server = *blk::QueuePair::attach(request_memory.region(), response_memory.region(), capacity);
    std::uint32_t wrong_requests = 0, wrong_responses = 0;

    std::thread server_thread([&] {
        for (std::uint32_t n = 0; n < requests;) {
            auto request = server.requests.dequeue();
            if (!request) {
                std::this_thread::yield();
                continue;
            }
            if (request->id != n || request->block_number != std::uint64_t{n} * 3 || request->count != (n & 0xff))
                ++wrong_requests;
            while (!server.responses.enqueue({.status = blk::ResponseStatus::ok,
                                              .success_count = request->count, .id = request->id}))
                std::this_thread::yield();
            ++n;
        }
    });
    std::uint32_t sent = 0, answered = 0;
    while (answered < requests) {
        while (sent < requests && client.requests.enqueue({.code = blk::RequestCode::read, .io_or_offset = 0,
                                                           .block_number = std::uint64_t{sent} * 3,
                                                           .count = static_cast<std::uint16_t>(sent & 0xff), .id = sent}))
            ++sent;
        bool any = false;
        while (auto response = client.responses.dequeue()) {
            if (response->id != answered || response->success_count != (answered & 0xff) ||
                response->status != blk::ResponseStatus::ok)
                ++wrong_responses;
            ++answered;
            any = true;
        }
        if (!any)
            std::this_thread::yield();
    }
    server_thread.join();
    EXPECT_EQ(wrong_requests, 0u);
    EXPECT_EQ(wrong_responses, 0u);
    EXPECT_EQ(request_memory.get<std::uint32_t>(0), 0xffffffffu - requests / 2 + requests);
}

} // namespace
