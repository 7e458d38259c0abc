// net::Queue and net::QueuePair: attach checks, FIFO order, full and empty, the free-running
// 16-bit indices across 65535, and the signalling protocol's flag.
#include <sel4/queue/net.hpp>

#include "shared_buffer.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string_view>

namespace net = sel4::queue::net;
using sel4::queue::Error;
using queue_test::SharedBuffer;

namespace {

constexpr std::size_t tail_at = 0, head_at = 2, flag_at = 4, slots_at = 8;

net::BufferDescriptor descriptor(std::uint64_t n) {
    return {.io_or_offset = n * net::buffer_size, .len = static_cast<std::uint16_t>(n + 60), .oid = static_cast<std::uint8_t>(n % 64)};
}

void expect_descriptor(const std::optional<net::BufferDescriptor> &got, std::uint64_t n) {
    ASSERT_TRUE(got.has_value()) << "entry " << n;
    EXPECT_EQ(got->io_or_offset, n * net::buffer_size);
    EXPECT_EQ(got->len, n + 60);
    EXPECT_EQ(got->oid, n % 64);
}

TEST(NetAttach, Accepts) {
    SharedBuffer shared(net::Queue::bytes_for(8));
    auto queue = net::Queue::attach(shared.region(), 8);
    ASSERT_TRUE(queue.has_value());
    EXPECT_EQ(queue->capacity(), 8u);
    EXPECT_TRUE(queue->empty());
    EXPECT_FALSE(queue->full());
    EXPECT_EQ(queue->length(), 0);
}

TEST(NetAttach, CapacityNotAPowerOfTwo) {
    SharedBuffer shared(net::Queue::bytes_for(1024));
    for (std::uint32_t capacity : {0u, 3u, 6u, 1000u}) {
        auto queue = net::Queue::attach(shared.region(), capacity);
        ASSERT_FALSE(queue.has_value()) << capacity;
        EXPECT_EQ(queue.error(), Error::capacity_not_power_of_two) << capacity;
    }
    EXPECT_TRUE(net::Queue::attach(shared.region(), 1).has_value());
}

TEST(NetAttach, CapacityTooLarge) {
    // 16-bit indices: at most 32768 slots, or tail - head could not tell full from empty.
    EXPECT_EQ(net::Queue::max_capacity, 32768u);
    SharedBuffer shared(net::Queue::bytes_for(65536));
    EXPECT_TRUE(net::Queue::attach(shared.region(), 32768).has_value());
    for (std::uint32_t capacity : {65536u, 65537u, 0x80000000u}) {
        auto queue = net::Queue::attach(shared.region(), capacity);
        ASSERT_FALSE(queue.has_value()) << capacity;
        EXPECT_EQ(queue.error(), Error::capacity_too_large) << capacity;
    }
}

TEST(NetAttach, RegionTooSmall) {
    SharedBuffer shared(net::Queue::bytes_for(16));
    sel4::shared_memory::Region one_short{shared.bytes(), net::Queue::bytes_for(16) - 1};
    auto queue = net::Queue::attach(one_short, 16);
    ASSERT_FALSE(queue.has_value());
    EXPECT_EQ(queue.error(), Error::region_too_small);
    sel4::shared_memory::Region header_only{shared.bytes(), 4};
    auto tiny = net::Queue::attach(header_only, 1);
    ASSERT_FALSE(tiny.has_value());
    EXPECT_EQ(tiny.error(), Error::region_too_small);
    sel4::shared_memory::Region exact{shared.bytes(), net::Queue::bytes_for(16)};
    EXPECT_TRUE(net::Queue::attach(exact, 16).has_value());
}

TEST(NetAttach, RegionMisaligned) {
    SharedBuffer shared(net::Queue::bytes_for(16) + 8);
    sel4::shared_memory::Region shifted{shared.bytes() + 4, net::Queue::bytes_for(16)};
    auto queue = net::Queue::attach(shifted, 16);
    ASSERT_FALSE(queue.has_value());
    EXPECT_EQ(queue.error(), Error::region_misaligned);
}

TEST(NetQueue, FifoFullAndEmpty) {
    SharedBuffer shared(net::Queue::bytes_for(4));
    auto queue = *net::Queue::attach(shared.region(), 4);
    EXPECT_FALSE(queue.dequeue().has_value());
    for (std::uint64_t i = 0; i < 4; ++i)
        EXPECT_TRUE(queue.enqueue(descriptor(i)));
    EXPECT_TRUE(queue.full());
    EXPECT_EQ(queue.length(), 4);
    EXPECT_FALSE(queue.enqueue(descriptor(99)));
    EXPECT_EQ(shared.get<std::uint16_t>(tail_at), 4); // the refused entry did not move the tail
    // The entries sit in slots 0..3, in sDDF's descriptor layout.
    EXPECT_EQ(shared.get<std::uint64_t>(slots_at + 2 * 16), 2 * net::buffer_size);
    EXPECT_EQ(shared.get<std::uint16_t>(slots_at + 2 * 16 + 8), 62);
    for (std::uint64_t i = 0; i < 4; ++i)
        expect_descriptor(queue.dequeue(), i);
    EXPECT_TRUE(queue.empty());
    EXPECT_FALSE(queue.dequeue().has_value());
    EXPECT_EQ(shared.get<std::uint16_t>(head_at), 4);
}

// Both sides hold their own handle on the same memory, as two PDs do.
TEST(NetQueue, TwoHandlesOneQueue) {
    SharedBuffer shared(net::Queue::bytes_for(8));
    auto producer = *net::Queue::attach(shared.region(), 8);
    auto consumer = *net::Queue::attach(shared.region(), 8);
    ASSERT_TRUE(producer.enqueue(descriptor(7)));
    EXPECT_EQ(consumer.length(), 1);
    expect_descriptor(consumer.dequeue(), 7);
    EXPECT_TRUE(producer.empty());
}

// Indices run freely across 65535: entry i is in slot i % capacity, and full and empty hold
// while tail has wrapped and head has not (the case where an int-promoted tail - head is
// negative).
TEST(NetQueue, IndicesWrapAround) {
    constexpr std::uint32_t capacity = 8;
    SharedBuffer shared(net::Queue::bytes_for(capacity));
    shared.set<std::uint16_t>(tail_at, 65530);
    shared.set<std::uint16_t>(head_at, 65530);
    auto queue = *net::Queue::attach(shared.region(), capacity);
    EXPECT_TRUE(queue.empty());
    for (std::uint64_t i = 0; i < capacity; ++i)
        ASSERT_TRUE(queue.enqueue(descriptor(i)));
    EXPECT_EQ(shared.get<std::uint16_t>(tail_at), 2); // 65530 + 8 - 65536
    EXPECT_EQ(shared.get<std::uint16_t>(head_at), 65530);
    EXPECT_TRUE(queue.full());
    EXPECT_EQ(queue.length(), capacity);
    EXPECT_FALSE(queue.enqueue(descriptor(100)));
    // 65530 % 8 == 2: the first entry in slot 2, the seventh (index 65536 = 0) in slot 0.
    EXPECT_EQ(shared.get<std::uint64_t>(slots_at + 2 * 16), 0u);
    EXPECT_EQ(shared.get<std::uint64_t>(slots_at + 0 * 16), 6 * net::buffer_size);
    for (std::uint64_t i = 0; i < capacity; ++i)
        expect_descriptor(queue.dequeue(), i);
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(shared.get<std::uint16_t>(head_at), 2);
    // Many more laps: a million entries through 8 slots, the indices wrapping 15 times.
    std::uint64_t next_in = 0, next_out = 0;
    while (next_out < 1'000'000) {
        while (next_in < 1'000'000 && queue.enqueue(descriptor(next_in)))
            ++next_in;
        ASSERT_TRUE(queue.full() || next_in == 1'000'000);
        while (auto got = queue.dequeue()) {
            ASSERT_EQ(got->io_or_offset, next_out * net::buffer_size);
            ++next_out;
        }
    }
    EXPECT_EQ(shared.get<std::uint16_t>(tail_at), static_cast<std::uint16_t>(2 + 1'000'000));
}

// A peer that writes a head more than a lap behind: the producer refuses to enqueue (it would
// overwrite unconsumed slots), and nothing leaves the region.
TEST(NetQueue, CorruptHeadNeverOverrunsTheRing) {
    SharedBuffer shared(net::Queue::bytes_for(4));
    auto queue = *net::Queue::attach(shared.region(), 4);
    shared.set<std::uint16_t>(head_at, 60000);
    EXPECT_TRUE(queue.full());
    EXPECT_FALSE(queue.enqueue(descriptor(1)));
}

// The flag: 0 = the consumer asks for a notification (sDDF's request), 1 = not (cancel).
TEST(NetSignal, RequestAndCancelWriteTheFlag) {
    SharedBuffer shared(net::Queue::bytes_for(4));
    shared.set<std::uint32_t>(flag_at, 1);
    auto queue = *net::Queue::attach(shared.region(), 4);
    EXPECT_FALSE(queue.signal_requested());
    queue.request_signal();
    EXPECT_EQ(shared.get<std::uint32_t>(flag_at), 0u);
    EXPECT_TRUE(queue.signal_requested());
    queue.cancel_signal();
    EXPECT_EQ(shared.get<std::uint32_t>(flag_at), 1u);
    EXPECT_FALSE(queue.signal_requested());
    // Any non-zero value means "no signal wanted", as sDDF's !consumer_signalled.
    shared.set<std::uint32_t>(flag_at, 7);
    EXPECT_FALSE(queue.signal_requested());
}

TEST(NetSignal, ZeroedMemoryAsksForTheFirstSignal) {
    SharedBuffer shared(net::Queue::bytes_for(4));
    auto queue = *net::Queue::attach(shared.region(), 4);
    EXPECT_TRUE(queue.signal_requested());
}

// The producer's side: notify once per request.
TEST(NetSignal, ShouldNotifyTakesTheRequest) {
    SharedBuffer shared(net::Queue::bytes_for(4));
    auto consumer = *net::Queue::attach(shared.region(), 4);
    auto producer = *net::Queue::attach(shared.region(), 4);
    consumer.cancel_signal();
    ASSERT_TRUE(producer.enqueue(descriptor(1)));
    EXPECT_FALSE(producer.should_notify()); // not asked
    consumer.request_signal();
    ASSERT_TRUE(producer.enqueue(descriptor(2)));
    EXPECT_TRUE(producer.should_notify());
    EXPECT_EQ(shared.get<std::uint32_t>(flag_at), 1u);
    ASSERT_TRUE(producer.enqueue(descriptor(3)));
    EXPECT_FALSE(producer.should_notify()); // once per request
}

// The consumer's side: request, then check the queue again before waiting.
TEST(NetSignal, RequestSignalIfEmpty) {
    SharedBuffer shared(net::Queue::bytes_for(4));
    auto consumer = *net::Queue::attach(shared.region(), 4);
    auto producer = *net::Queue::attach(shared.region(), 4);
    consumer.cancel_signal();
    EXPECT_TRUE(consumer.request_signal_if_empty()); // empty: wait, the request stands
    EXPECT_EQ(shared.get<std::uint32_t>(flag_at), 0u);
    ASSERT_TRUE(producer.enqueue(descriptor(5)));
    EXPECT_TRUE(producer.should_notify());
    // An entry already there: no waiting, and the request withdrawn.
    ASSERT_TRUE(producer.enqueue(descriptor(6)));
    consumer.cancel_signal();
    EXPECT_FALSE(consumer.request_signal_if_empty());
    EXPECT_EQ(shared.get<std::uint32_t>(flag_at), 1u);
    EXPECT_FALSE(producer.should_notify());
}

TEST(NetQueuePair, AttachAndFillFree) {
    SharedBuffer free_memory(net::Queue::bytes_for(16));
    SharedBuffer active_memory(net::Queue::bytes_for(16));
    auto pair = net::QueuePair::attach(free_memory.region(), active_memory.region(), 16);
    ASSERT_TRUE(pair.has_value());
    EXPECT_EQ(pair->capacity(), 16u);
    EXPECT_EQ(pair->fill_free(0x10000, 10), 10u);
    EXPECT_EQ(pair->free.length(), 10);
    EXPECT_TRUE(pair->active.empty());
    EXPECT_EQ(pair->fill_free(0, 10), 6u); // the free queue fills up
    auto first = pair->free.dequeue();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->io_or_offset, 0x10000u);
    EXPECT_EQ(first->len, 0);
    EXPECT_EQ(first->oid, 0);
    EXPECT_EQ(pair->free.dequeue()->io_or_offset, 0x10000u + net::buffer_size);
}

TEST(NetQueuePair, AttachErrorsOfEitherQueue) {
    SharedBuffer good(net::Queue::bytes_for(16));
    SharedBuffer small(net::Queue::bytes_for(8));
    auto free_small = net::QueuePair::attach(small.region(), good.region(), 16);
    ASSERT_FALSE(free_small.has_value());
    EXPECT_EQ(free_small.error(), Error::region_too_small);
    auto active_small = net::QueuePair::attach(good.region(), small.region(), 16);
    ASSERT_FALSE(active_small.has_value());
    EXPECT_EQ(active_small.error(), Error::region_too_small);
    auto bad_capacity = net::QueuePair::attach(good.region(), good.region(), 12);
    ASSERT_FALSE(bad_capacity.has_value());
    EXPECT_EQ(bad_capacity.error(), Error::capacity_not_power_of_two);
}

TEST(QueueError, DescribeEveryError) {
    for (Error error : {Error::capacity_not_power_of_two, Error::capacity_too_large, Error::region_too_small,
                        Error::region_misaligned}) {
        const std::string_view text = sel4::queue::describe(error);
        EXPECT_NE(text, "unknown queue error");
        EXPECT_NE(text.find("queue"), std::string_view::npos) << text;
    }
    EXPECT_NE(std::string_view(sel4::queue::describe(Error::region_too_small)),
              sel4::queue::describe(Error::region_misaligned));
    EXPECT_EQ(std::string_view(sel4::queue::describe(static_cast<Error>(99))), "unknown queue error");
}

} // namespace
