/// @file
/// sDDF 0.7's network queues (include/sddf/network/queue.h, constants.h), bit-for-bit: buffer
/// descriptors in free and active queues, with the consumer's request for a notification.
///
/// ```cpp
/// namespace net = sel4::queue::net;
/// auto rx = net::QueuePair::attach(free_region, active_region, 512);   // Result<QueuePair>
///
/// // producer (after a batch of enqueues):
/// if (rx->active.should_notify()) client.notify();
/// // consumer (before it waits):
/// while (auto buffer = rx->active.dequeue()) handle(*buffer);
/// if (!rx->active.request_signal_if_empty()) { /* more arrived: dequeue again */ }
/// ```
#pragma once

#include <sel4/queue/error.hpp>
#include <sel4/queue/ordering.hpp>
#include <sel4/queue/ring.hpp>

#include <sel4/shared_memory.hpp>

#include <cstddef>
#include <cstdint>

/// sDDF's network queues.
namespace sel4::queue::net {

/// The size of every network buffer (NET_BUFFER_SIZE): the smallest power of two that holds an
/// Ethernet frame of the usual MTU.
inline constexpr std::size_t buffer_size = 2048;

/// A buffer in a queue: sDDF's net_buff_desc_t (16 bytes).
struct BufferDescriptor {
    /// The buffer's offset in its data region, or its IO address (between the Tx
    /// virtualiser and the driver only).
    std::uint64_t io_or_offset = 0;
    /// The bytes of data in the buffer.
    std::uint16_t len = 0;
    /// The owner region's id, used with a vswitch only; clients set 0. The low 6 bits of
    /// byte 10, as GCC places sDDF's `uint8_t oid : 6` on a little-endian target.
    std::uint8_t oid : 6 = 0;
    /// sDDF's padding, named so that it is zero: a descriptor is then 16 defined bytes, which
    /// the compiler builds in registers (an undefined padding byte beside `oid` made GCC
    /// assemble the second word on the stack). The C side never reads it.
    std::uint8_t reserved_bits : 2 = 0;
    std::uint8_t reserved[5] = {}; ///< sDDF's padding (bytes 11..15), zero.
};
static_assert(sizeof(BufferDescriptor) == 16 && alignof(BufferDescriptor) == 8); // sizeof(net_buff_desc_t)
static_assert(offsetof(BufferDescriptor, io_or_offset) == 0 && offsetof(BufferDescriptor, len) == 8);

/// The shared part of a queue: sDDF's net_queue_t without its flexible array member `buffers`
/// (capacity descriptors, at offset 8 = sizeof(QueueHeader)).
struct alignas(BufferDescriptor) QueueHeader {
    std::uint16_t tail = 0;               ///< The next slot to fill: the producer's.
    std::uint16_t head = 0;               ///< The next slot to take: the consumer's.
    std::uint32_t consumer_signalled = 0; ///< 0: the consumer asks for a notification.
};
static_assert(sizeof(QueueHeader) == 8); // offsetof(net_queue_t, buffers)
static_assert(offsetof(QueueHeader, tail) == 0 && offsetof(QueueHeader, head) == 2 &&
              offsetof(QueueHeader, consumer_signalled) == 4);

/// A handle to one network queue in shared memory (a free or an active queue), with its
/// capacity in private memory, and the signalling protocol of sDDF (docs/developing.md):
///
/// - the consumer, before it waits, calls request_signal_if_empty(): it asks for a
///   notification, then checks the queue once more, so an entry enqueued in between is not
///   left to sleep beside it;
/// - the producer, after a batch of enqueues, calls should_notify(): true (and the request
///   taken) when the consumer asked, and only then does it notify.
///
/// consumer_signalled has sDDF's meaning: 0 means "signal me" (request_signal()), anything
/// else means no signal is wanted (cancel_signal() stores 1; the producer cancels when it
/// signals, the consumer when it finds work after asking).
class Queue : public detail::Ring<QueueHeader, BufferDescriptor, &QueueHeader::head, &QueueHeader::tail> {
    using Base = detail::Ring<QueueHeader, BufferDescriptor, &QueueHeader::head, &QueueHeader::tail>;

public:
    /// The queue at the start of `region`, of `capacity` descriptors (a power of two, at most
    /// 32768): Error::capacity_not_power_of_two, capacity_too_large, region_misaligned (not
    /// 8-aligned) or region_too_small (less than bytes_for(capacity)).
    static Result<Queue> attach(shared_memory::Region region, std::uint32_t capacity) noexcept {
        auto ring = Base::attach_ring(region, capacity);
        if (!ring)
            return std::unexpected(ring.error());
        return Queue(*ring);
    }

    /// Consumer: asks the producer for a notification at its next enqueue
    /// (net_request_signal_*: consumer_signalled = 0).
    void request_signal() const noexcept { request_signal(header()); }

    /// Withdraws the request, or marks it served (net_cancel_signal_*: consumer_signalled = 1).
    void cancel_signal() const noexcept { cancel_signal(header()); }

    /// Producer: whether the consumer asked for a notification (net_require_signal_*).
    bool signal_requested() const noexcept { return signal_requested(header()); }

    /// Producer, after a batch of enqueues: whether to notify the consumer. When it asked,
    /// the request is taken (cancel_signal()) and true returned, so it is notified once.
    bool should_notify() const noexcept {
        const Header shared = header(); // one copy of the handle's field (see Ring)
        if (!signal_requested(shared))
            return false;
        cancel_signal(shared);
        return true;
    }

    /// Consumer, before it waits: requests a notification, then checks the queue again. True
    /// when it is still empty (wait for the notification); false when entries arrived in the
    /// meantime: the request is withdrawn, dequeue them and call again.
    bool request_signal_if_empty() const noexcept {
        const Header shared = header();
        request_signal(shared);
        if (detail::load_acquire<&QueueHeader::tail>(shared) == detail::load_own<&QueueHeader::head>(shared))
            return true;
        cancel_signal(shared);
        return false;
    }

private:
    using Header = shared_memory::Ref<QueueHeader>;

    explicit Queue(const Base &ring) noexcept : Base(ring) {}

    static void request_signal(const Header &shared) noexcept {
        detail::store_release<&QueueHeader::consumer_signalled>(shared, std::uint32_t{0});
        detail::store_load_fence(); // the request before the re-check of the tail
    }
    static void cancel_signal(const Header &shared) noexcept {
        detail::store_release<&QueueHeader::consumer_signalled>(shared, std::uint32_t{1});
    }
    static bool signal_requested(const Header &shared) noexcept {
        detail::store_load_fence(); // the tail's store before the flag's load
        return detail::load_acquire<&QueueHeader::consumer_signalled>(shared) == 0;
    }
};

/// The two queues between the same two components, as sDDF's net_queue_handle_t: `active`
/// carries buffers with data, `free` returns the empty ones to whoever owns them. Both have
/// the same capacity.
struct QueuePair {
    Queue free;   ///< Empty buffers, going back to their owner.
    Queue active; ///< Buffers holding data.

    /// Both queues, each at the start of its region, of `capacity` descriptors each.
    static Result<QueuePair> attach(shared_memory::Region free, shared_memory::Region active,
                                    std::uint32_t capacity) noexcept {
        auto free_queue = Queue::attach(free, capacity);
        if (!free_queue)
            return std::unexpected(free_queue.error());
        auto active_queue = Queue::attach(active, capacity);
        if (!active_queue)
            return std::unexpected(active_queue.error());
        return QueuePair{*free_queue, *active_queue};
    }

    /// The capacity of each queue.
    std::uint32_t capacity() const noexcept { return free.capacity(); }

    /// Fills the free queue with the buffers of a data region: `count` descriptors at
    /// `base + i * buffer_size` (offsets, or IO addresses between virtualiser and driver),
    /// len 0, oid 0, as net_buffers_init does with count = capacity. Returns how many went in
    /// (fewer when the free queue fills up).
    std::uint32_t fill_free(std::uint64_t base, std::uint32_t count) const noexcept {
        std::uint32_t i = 0;
        for (; i < count; ++i) {
            if (!free.enqueue(BufferDescriptor{.io_or_offset = base + std::uint64_t{i} * buffer_size, .len = 0, .oid = 0}))
                break;
        }
        return i;
    }
};

} // namespace sel4::queue::net
