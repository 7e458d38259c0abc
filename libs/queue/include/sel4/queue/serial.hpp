/// @file
/// sDDF 0.7's serial queues (include/sddf/serial/queue.h), bit-for-bit: a ring of characters
/// whose indices and signal flag are in one shared region (the queue) and whose characters
/// are in another (the data region), between a producer and a consumer.
///
/// ```cpp
/// namespace serial = sel4::queue::serial;
/// auto tx = serial::Queue::attach(tx_queue_region, tx_data_region, 2048);   // Result<Queue>
///
/// // producer: enqueue a batch, then always notify the consumer (sDDF's serial rule)
/// std::uint32_t sent = tx->enqueue_batch(bytes);
/// driver.notify();
/// if (sent < bytes.size() && tx->request_signal_if_full()) { /* wait for the consumer's signal */ }
///
/// // consumer: dequeue, then notify the producer only when it asked
/// while (auto c = tx->dequeue()) put(*c);
/// if (tx->should_signal_producer()) client.notify();
/// ```
///
/// The signalling protocol (sDDF docs/serial/serial.md): a producer that enqueued notifies the
/// consumer every time; a consumer that dequeued notifies the producer only when the producer
/// asked (producer_signalled == 0), which a producer does when the queue was too full for
/// what it had to write. Asking and re-checking is request_signal_if_full(), taking the
/// request should_signal_producer(): with a sequentially consistent fence between each side's
/// store and its load of the other side's word, as sDDF's fence_seq_cst (ordering.hpp).
#pragma once

#include <sel4/queue/error.hpp>
#include <sel4/queue/ordering.hpp>

#include <sel4/shared_memory.hpp>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

/// sDDF's serial queues.
namespace sel4::queue::serial {

/// The shared part of a queue: sDDF's serial_queue_t (12 bytes; the characters are in a
/// region of their own).
struct QueueHeader {
    std::uint32_t tail = 0;               ///< The next index to fill: the producer's.
    std::uint32_t head = 0;               ///< The next index to take: the consumer's.
    std::uint32_t producer_signalled = 0; ///< 0: the producer asks the consumer for a notification.
};
static_assert(sizeof(QueueHeader) == 12 && alignof(QueueHeader) == 4); // sizeof(serial_queue_t)
static_assert(offsetof(QueueHeader, tail) == 0 && offsetof(QueueHeader, head) == 4 &&
              offsetof(QueueHeader, producer_signalled) == 8);

/// A handle to one serial queue: its header and its data region in shared memory, its
/// capacity in private memory (as sDDF's serial_queue_handle_t), so a peer that scribbles on
/// the header can make the queue show garbage but never make an access leave the data region.
///
/// Indices are free-running 32-bit counters; character `i` of the stream is at byte
/// `i % capacity` of the data region. Empty: tail == head; full: tail - head == capacity.
/// Only the producer writes the tail, only the consumer the head. A length the peer's index
/// makes larger than the capacity is taken as full (producer) or as the capacity (consumer):
/// never an access out of the region.
class Queue {
public:
    /// The largest capacity: half the index range, so that tail - head tells full from empty.
    static constexpr std::uint32_t max_capacity = std::uint32_t{1} << 31;

    /// The queue whose header is at the start of `queue_region` and whose characters are the
    /// first `capacity` bytes of `data_region`: Error::capacity_too_large,
    /// capacity_not_power_of_two, region_misaligned (the header not 4-aligned) or
    /// region_too_small (the header or `capacity` bytes do not fit), in that order.
    static Result<Queue> attach(shared_memory::Region queue_region, shared_memory::Region data_region,
                                std::uint32_t capacity) noexcept {
        if (capacity > max_capacity)
            return std::unexpected(Error::capacity_too_large);
        if (!std::has_single_bit(capacity))
            return std::unexpected(Error::capacity_not_power_of_two);
        auto header = queue_region.ref<QueueHeader>(0);
        if (!header)
            return std::unexpected(header.error() == shared_memory::Error::misaligned ? Error::region_misaligned
                                                                                     : Error::region_too_small);
        auto data = data_region.subregion(0, capacity);
        if (!data)
            return std::unexpected(Error::region_too_small);
        return Queue(*header, *data);
    }

    /// The number of characters the data region holds.
    std::uint32_t capacity() const noexcept { return static_cast<std::uint32_t>(data_.size); }

    // ----- producer -------------------------------------------------------------------------

    /// Producer: the characters in the queue (serial_queue_length_producer), at most capacity().
    std::uint32_t length_producer() const noexcept {
        const std::uint32_t tail = detail::load_own<&QueueHeader::tail>(header_);
        const std::uint32_t head = detail::load_acquire<&QueueHeader::head>(header_);
        return std::min(tail - head, capacity());
    }
    /// Producer: the room left (serial_queue_free).
    std::uint32_t free_space() const noexcept { return capacity() - length_producer(); }
    /// Producer: whether no character fits (serial_queue_full).
    bool full() const noexcept { return free_space() == 0; }

    /// Producer: appends `character` and publishes it (serial_enqueue); false when full.
    [[nodiscard]] bool enqueue(std::byte character) const noexcept {
        const shared_memory::Ref<QueueHeader> header = header_;
        const shared_memory::Region data = data_;
        const auto size = static_cast<std::uint32_t>(data.size);
        const std::uint32_t tail = detail::load_own<&QueueHeader::tail>(header);
        const std::uint32_t head = detail::load_acquire<&QueueHeader::head>(header);
        if (tail - head >= size)
            return false;
        volatile_byte(data, tail & (size - 1)) = character;
        detail::store_release<&QueueHeader::tail>(header, tail + 1);
        return true;
    }
    /// Producer: appends as many of `characters` as fit, in one or two copies (at the end of
    /// the data region and from its start), then publishes them all with one store of the
    /// tail (serial_enqueue_batch). Returns how many went in.
    std::uint32_t enqueue_batch(std::span<const std::byte> characters) const noexcept {
        const shared_memory::Ref<QueueHeader> header = header_;
        const shared_memory::Region data = data_;
        const auto size = static_cast<std::uint32_t>(data.size);
        const std::uint32_t tail = detail::load_own<&QueueHeader::tail>(header);
        const std::uint32_t head = detail::load_acquire<&QueueHeader::head>(header); // the consumer is done with them
        const std::uint32_t used = tail - head;
        if (used >= size)
            return 0;
        const auto count = static_cast<std::uint32_t>(std::min<std::size_t>(characters.size(), size - used));
        const std::uint32_t at = tail & (size - 1);
        const std::uint32_t before_wrap = std::min(count, size - at);
        (void)data.copy_in(at, characters.first(before_wrap));
        if (count > before_wrap)
            (void)data.copy_in(0, characters.subspan(before_wrap, count - before_wrap));
        detail::store_release<&QueueHeader::tail>(header, tail + count); // the characters before the index
        return count;
    }

    /// Producer, when a write did not fit: asks the consumer for a notification when it has
    /// taken characters (serial_request_consumer_signal), then checks the room again. True
    /// when the queue is still full (wait for the notification); false when room appeared in
    /// the meantime: the request is withdrawn, write again.
    bool request_signal_if_full() const noexcept {
        const shared_memory::Ref<QueueHeader> header = header_;
        detail::store_release<&QueueHeader::producer_signalled>(header, std::uint32_t{0});
        detail::store_load_fence(); // the request before the re-check of the head
        if (full())
            return true;
        cancel_signal();
        return false;
    }
    /// Withdraws the producer's request, or marks it served (serial_cancel_consumer_signal:
    /// producer_signalled = 1).
    void cancel_signal() const noexcept {
        detail::store_release<&QueueHeader::producer_signalled>(header_, std::uint32_t{1});
    }

    // ----- consumer -------------------------------------------------------------------------

    /// Consumer: the characters in the queue (serial_queue_length_consumer), at most capacity().
    std::uint32_t length() const noexcept {
        const std::uint32_t tail = detail::load_acquire<&QueueHeader::tail>(header_);
        const std::uint32_t head = detail::load_own<&QueueHeader::head>(header_);
        return std::min(tail - head, capacity());
    }
    /// Consumer: whether there is nothing to take (serial_queue_empty).
    bool empty() const noexcept { return length() == 0; }

    /// Consumer: takes the oldest character (serial_dequeue); nothing when empty.
    [[nodiscard]] std::optional<std::byte> dequeue() const noexcept {
        const shared_memory::Ref<QueueHeader> header = header_;
        const shared_memory::Region data = data_;
        const auto size = static_cast<std::uint32_t>(data.size);
        const std::uint32_t head = detail::load_own<&QueueHeader::head>(header);
        const std::uint32_t tail = detail::load_acquire<&QueueHeader::tail>(header);
        if (tail == head)
            return std::nullopt;
        const std::byte character = volatile_byte(data, head & (size - 1));
        detail::store_release<&QueueHeader::head>(header, head + 1);
        return character;
    }
    /// Consumer: takes up to `out.size()` characters, oldest first, in one or two copies, then
    /// releases them with one store of the head. Returns how many it took.
    std::uint32_t dequeue_batch(std::span<std::byte> out) const noexcept {
        const shared_memory::Ref<QueueHeader> header = header_;
        const shared_memory::Region data = data_;
        const auto size = static_cast<std::uint32_t>(data.size);
        const std::uint32_t head = detail::load_own<&QueueHeader::head>(header);
        const std::uint32_t tail = detail::load_acquire<&QueueHeader::tail>(header); // the characters with the index
        const auto count = static_cast<std::uint32_t>(std::min<std::size_t>(out.size(), std::min(tail - head, size)));
        if (count == 0)
            return 0;
        const std::uint32_t at = head & (size - 1);
        const std::uint32_t before_wrap = std::min(count, size - at);
        (void)data.copy_out(at, out.first(before_wrap));
        if (count > before_wrap)
            (void)data.copy_out(0, out.subspan(before_wrap, count - before_wrap));
        detail::store_release<&QueueHeader::head>(header, head + count); // the reads before the release
        return count;
    }

    /// Consumer: whether the producer asked for a notification (serial_require_consumer_signal).
    bool signal_requested() const noexcept {
        detail::store_load_fence(); // the head's store before the flag's load
        return detail::load_acquire<&QueueHeader::producer_signalled>(header_) == 0;
    }
    /// Consumer, after a batch of dequeues: whether to notify the producer. When it asked, the
    /// request is taken (cancel_signal()) and true returned, so it is notified once.
    bool should_signal_producer() const noexcept {
        if (!signal_requested())
            return false;
        cancel_signal();
        return true;
    }

private:
    Queue(shared_memory::Ref<QueueHeader> header, shared_memory::Region data) noexcept : header_(header), data_(data) {}

    // Byte `offset` (< data.size by construction: an index masked by the capacity).
    static volatile std::byte &volatile_byte(const shared_memory::Region &data, std::uint32_t offset) noexcept {
        return *static_cast<volatile std::byte *>(data.base + offset);
    }

    shared_memory::Ref<QueueHeader> header_;
    shared_memory::Region data_; // its size is the capacity, in private memory
};

/// A driver's two queues with one client, as sDDF's serial driver has them: `rx` carries
/// received characters to the client, `tx` the client's characters to the device.
struct QueuePair {
    Queue rx; ///< Driver to client.
    Queue tx; ///< Client to driver.
};

} // namespace sel4::queue::serial
