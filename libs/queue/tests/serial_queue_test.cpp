// sel4::queue::serial against sDDF 0.7's include/sddf/serial/queue.h (au-ts/sddf tag 0.7.0,
// commit 650ace5): the header's layout byte by byte, the data region's use modulo the
// capacity with free-running 32-bit indices (wrapping past 2^32), batches split at the end
// of the region, a peer's nonsense indices, the producer_signalled handshake, and two threads
// as producer and consumer on two cores (also built under ThreadSanitizer, queue-tsan).
#include <sel4/queue/serial.hpp>

#include "shared_buffer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace serial = sel4::queue::serial;
using queue_test::SharedBuffer;
using sel4::queue::Error;

namespace {

// serial_queue_t {uint32_t tail; uint32_t head; uint32_t producer_signalled;}
static_assert(sizeof(serial::QueueHeader) == 12);
static_assert(alignof(serial::QueueHeader) == 4);
static_assert(offsetof(serial::QueueHeader, tail) == 0);
static_assert(offsetof(serial::QueueHeader, head) == 4);
static_assert(offsetof(serial::QueueHeader, producer_signalled) == 8);

std::vector<std::byte> bytes_of(std::string_view text) {
    std::vector<std::byte> out;
    for (char c : text)
        out.push_back(static_cast<std::byte>(c));
    return out;
}

std::string text_of(std::span<const std::byte> bytes) {
    std::string out;
    for (std::byte b : bytes)
        out.push_back(static_cast<char>(b));
    return out;
}

struct Memory {
    explicit Memory(std::uint32_t capacity) : header(4096), data(capacity) {}
    serial::Queue queue(std::uint32_t capacity) const { return *serial::Queue::attach(header.region(), data.region(), capacity); }
    SharedBuffer header;
    SharedBuffer data;
};

TEST(SerialQueue, AttachChecksCapacityAndRegions) {
    SharedBuffer header(12), data(64);
    EXPECT_EQ(serial::Queue::attach(header.region(), data.region(), 0).error(), Error::capacity_not_power_of_two);
    EXPECT_EQ(serial::Queue::attach(header.region(), data.region(), 48).error(), Error::capacity_not_power_of_two);
    EXPECT_EQ(serial::Queue::attach(header.region(), data.region(), 0x80000001u).error(), Error::capacity_too_large);
    EXPECT_EQ(serial::Queue::attach(header.region(), data.region(), 128).error(), Error::region_too_small);
    sel4::shared_memory::Region small_header{header.bytes(), 11};
    EXPECT_EQ(serial::Queue::attach(small_header, data.region(), 64).error(), Error::region_too_small);
    SharedBuffer roomy(16);
    sel4::shared_memory::Region odd_header{roomy.bytes() + 2, 12};
    EXPECT_EQ(serial::Queue::attach(odd_header, data.region(), 64).error(), Error::region_misaligned);
    auto queue = serial::Queue::attach(header.region(), data.region(), 64);
    ASSERT_TRUE(queue);
    EXPECT_EQ(queue->capacity(), 64u);
    // A data region larger than the capacity: only the first `capacity` bytes are used.
    auto smaller = serial::Queue::attach(header.region(), data.region(), 32);
    ASSERT_TRUE(smaller);
    EXPECT_EQ(smaller->capacity(), 32u);
}

TEST(SerialQueue, LayoutIsSddfs) {
    Memory memory(16);
    const serial::Queue queue = memory.queue(16);
    const auto hello = bytes_of("hello");
    EXPECT_EQ(queue.enqueue_batch(hello), 5u);
    // tail at byte 0, head at byte 4, the characters from the data region's first byte.
    EXPECT_EQ(memory.header.get<std::uint32_t>(0), 5u);
    EXPECT_EQ(memory.header.get<std::uint32_t>(4), 0u);
    EXPECT_EQ(text_of(std::span(memory.data.bytes(), 5)), "hello");
    std::array<std::byte, 3> out{};
    EXPECT_EQ(queue.dequeue_batch(out), 3u);
    EXPECT_EQ(text_of(out), "hel");
    EXPECT_EQ(memory.header.get<std::uint32_t>(4), 3u);
    // The flag: 0 asks for a signal (its zero-filled start), 1 once served or withdrawn.
    EXPECT_TRUE(queue.signal_requested());
    queue.cancel_signal();
    EXPECT_EQ(memory.header.get<std::uint32_t>(8), 1u);
    EXPECT_FALSE(queue.signal_requested());
    // A peer's enqueue as sDDF's serial_enqueue does it: byte at tail % capacity, tail + 1.
    memory.data.set<char>(5, '!');
    memory.header.set<std::uint32_t>(0, 6);
    std::array<std::byte, 8> rest{};
    EXPECT_EQ(queue.dequeue_batch(rest), 3u);
    EXPECT_EQ(text_of(std::span(rest).first(3)), "lo!");
    EXPECT_TRUE(queue.empty());
}

TEST(SerialQueue, SingleCharactersFillAndEmpty) {
    Memory memory(8);
    const serial::Queue queue = memory.queue(8);
    EXPECT_TRUE(queue.empty());
    EXPECT_FALSE(queue.dequeue());
    for (int i = 0; i < 8; ++i)
        EXPECT_TRUE(queue.enqueue(static_cast<std::byte>('a' + i)));
    EXPECT_TRUE(queue.full());
    EXPECT_EQ(queue.free_space(), 0u);
    EXPECT_FALSE(queue.enqueue(std::byte{'z'}));
    EXPECT_EQ(queue.enqueue_batch(bytes_of("xyz")), 0u);
    EXPECT_EQ(queue.length(), 8u);
    for (int i = 0; i < 8; ++i) {
        auto c = queue.dequeue();
        ASSERT_TRUE(c);
        EXPECT_EQ(*c, static_cast<std::byte>('a' + i));
    }
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(queue.free_space(), 8u);
}

TEST(SerialQueue, BatchesWrapAtTheRegionsEndAndTheIndicesAt2To32) {
    Memory memory(16);
    // Indices 6 below 2^32: the batch of 10 wraps the data region at byte 16 (10 + 6) and the
    // tail past 2^32.
    memory.header.set<std::uint32_t>(0, 0xfffffffau);
    memory.header.set<std::uint32_t>(4, 0xfffffffau);
    const serial::Queue queue = memory.queue(16);
    EXPECT_EQ(queue.enqueue_batch(bytes_of("0123456789")), 10u);
    EXPECT_EQ(memory.header.get<std::uint32_t>(0), 4u); // wrapped
    EXPECT_EQ(text_of(std::span(memory.data.bytes() + 10, 6)), "012345");
    EXPECT_EQ(text_of(std::span(memory.data.bytes(), 4)), "6789");
    EXPECT_EQ(queue.length(), 10u);
    EXPECT_EQ(queue.free_space(), 6u);
    // More than fits: the room only.
    EXPECT_EQ(queue.enqueue_batch(bytes_of("abcdefghij")), 6u);
    EXPECT_TRUE(queue.full());
    std::array<std::byte, 32> out{};
    EXPECT_EQ(queue.dequeue_batch(out), 16u);
    EXPECT_EQ(text_of(std::span(out).first(16)), "0123456789abcdef");
    EXPECT_EQ(memory.header.get<std::uint32_t>(4), 10u);
    EXPECT_TRUE(queue.empty());
}

TEST(SerialQueue, APeersNonsenseIndicesStayInTheRegion) {
    Memory memory(16);
    const serial::Queue queue = memory.queue(16);
    // The peer claims 1000 characters: the producer sees a full queue, the consumer takes at
    // most the capacity, from inside the region.
    memory.header.set<std::uint32_t>(0, 1000);
    memory.header.set<std::uint32_t>(4, 0);
    EXPECT_TRUE(queue.full());
    EXPECT_EQ(queue.enqueue_batch(bytes_of("x")), 0u);
    EXPECT_EQ(queue.length(), 16u);
    std::array<std::byte, 64> out{};
    EXPECT_EQ(queue.dequeue_batch(out), 16u);
    // The head behind the tail by 2^32 - 1: "full" for the producer, never a huge copy.
    memory.header.set<std::uint32_t>(0, 5);
    memory.header.set<std::uint32_t>(4, 6);
    EXPECT_TRUE(queue.full());
    EXPECT_EQ(queue.dequeue_batch(out), 16u);
}

TEST(SerialQueue, ProducerAsksForRoomAndIsSignalledOnce) {
    Memory memory(4);
    const serial::Queue producer = memory.queue(4);
    const serial::Queue consumer = memory.queue(4);
    consumer.cancel_signal(); // a fresh queue asks; start from "not asked"
    EXPECT_EQ(producer.enqueue_batch(bytes_of("abcdef")), 4u);
    // Not full any more by the time it asks: the request is withdrawn.
    ASSERT_TRUE(consumer.dequeue());
    EXPECT_FALSE(producer.request_signal_if_full());
    EXPECT_EQ(memory.header.get<std::uint32_t>(8), 1u);
    EXPECT_FALSE(consumer.should_signal_producer());
    // Full: the request stands; the consumer's next batch finds it and takes it.
    EXPECT_EQ(producer.enqueue_batch(bytes_of("ef")), 1u);
    EXPECT_TRUE(producer.request_signal_if_full());
    EXPECT_EQ(memory.header.get<std::uint32_t>(8), 0u);
    std::array<std::byte, 2> out{};
    EXPECT_EQ(consumer.dequeue_batch(out), 2u);
    EXPECT_TRUE(consumer.should_signal_producer());
    EXPECT_FALSE(consumer.should_signal_producer());
    EXPECT_EQ(memory.header.get<std::uint32_t>(8), 1u);
}

// A seL4 notification between two threads: signals merge into one pending bit.
class Notification {
public:
    void signal() {
        {
            std::lock_guard lock(mutex_);
            pending_ = true;
        }
        wake_.notify_one();
    }
    bool wait() {
        std::unique_lock lock(mutex_);
        if (!wake_.wait_for(lock, std::chrono::seconds(20), [this] { return pending_; }))
            return false;
        pending_ = false;
        return true;
    }

private:
    std::mutex mutex_;
    std::condition_variable wake_;
    bool pending_ = false;
};

std::byte stream_byte(std::uint64_t i) { return static_cast<std::byte>((i * 131) ^ (i >> 9)); }

TEST(SerialQueueThreads, FourMillionCharactersInOrderWithSignalling) {
    constexpr std::uint32_t capacity = 256;
    constexpr std::uint64_t total = 4'000'000;
    Memory memory(capacity);
    memory.header.set<std::uint32_t>(0, 0xffffff00u); // wrap the indices early on
    memory.header.set<std::uint32_t>(4, 0xffffff00u);
    const serial::Queue producer = memory.queue(capacity);
    const serial::Queue consumer = memory.queue(capacity);
    Notification to_producer, to_consumer;
    std::atomic<bool> producer_stuck{false}, consumer_stuck{false};
    std::uint64_t wrong = 0;

    std::thread consumer_thread([&] {
        std::uint64_t next = 0;
        std::array<std::byte, 97> chunk{};
        while (next < total) {
            const std::uint32_t got = consumer.dequeue_batch(chunk);
            for (std::uint32_t i = 0; i < got; ++i, ++next)
                wrong += chunk[i] != stream_byte(next);
            if (got != 0) {
                if (consumer.should_signal_producer())
                    to_producer.signal();
                continue;
            }
            // The producer notifies after every batch: wait when empty.
            if (consumer.empty() && !to_consumer.wait()) {
                consumer_stuck = true;
                return;
            }
        }
    });
    std::thread producer_thread([&] {
        std::uint64_t sent = 0;
        std::array<std::byte, 61> chunk{};
        while (sent < total) {
            const std::size_t want = std::min<std::uint64_t>(chunk.size(), total - sent);
            for (std::size_t i = 0; i < want; ++i)
                chunk[i] = stream_byte(sent + i);
            std::size_t done = 0;
            while (done < want) {
                const std::uint32_t in = producer.enqueue_batch(std::span(chunk).subspan(done, want - done));
                done += in;
                if (in != 0)
                    to_consumer.signal();
                if (done < want && producer.request_signal_if_full() && !to_producer.wait()) {
                    producer_stuck = true;
                    return;
                }
            }
            sent += want;
        }
    });
    producer_thread.join();
    consumer_thread.join();
    EXPECT_FALSE(producer_stuck) << "a lost wake-up of the producer";
    EXPECT_FALSE(consumer_stuck) << "a lost wake-up of the consumer";
    EXPECT_EQ(wrong, 0u);
    EXPECT_TRUE(consumer.empty());
}

} // namespace
