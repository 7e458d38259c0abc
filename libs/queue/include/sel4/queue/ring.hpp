/// @file
/// The one ring of every sDDF queue: a header with a head and a tail index in shared memory,
/// then `capacity` entries; the capacity itself in private memory.
#pragma once

#include <sel4/queue/error.hpp>
#include <sel4/queue/ordering.hpp>

#include <sel4/shared_memory.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>

namespace sel4::queue::detail {

/// A single-producer single-consumer ring over shared memory, in sDDF's layout: `Header` (with
/// the index words `Head` and `Tail`, free-running unsigned integers) at the region's start,
/// `capacity` `Entry`s right after it (at sizeof(Header): the headers carry the entries'
/// alignment, as sDDF's structs with their flexible array members do). Entry `i` of the
/// stream is in slot `i % capacity`; the queue is empty when tail == head and full when
/// tail - head == capacity, both modulo the index type's range.
///
/// Only the producer writes the tail, only the consumer the head. The capacity lives in this
/// handle, in the PD's own memory, so a peer that scribbles over the header can make the queue
/// show garbage but never make a slot's address leave the region.
template <class Header, class Entry, auto Head, auto Tail> class Ring {
    using HeadTraits = shared_memory::detail::MemberTraits<decltype(Head)>;
    using TailTraits = shared_memory::detail::MemberTraits<decltype(Tail)>;
    static_assert(std::is_same_v<typename HeadTraits::Class, Header> && std::is_same_v<typename TailTraits::Class, Header>);
    static_assert(std::is_same_v<typename HeadTraits::Field, typename TailTraits::Field>);
    static_assert(alignof(Header) >= alignof(Entry) && sizeof(Header) % alignof(Entry) == 0,
                  "the entries start right after the header");

public:
    /// The index words' type (std::uint16_t for net, std::uint32_t for blk).
    using Index = typename HeadTraits::Field;
    static_assert(std::is_unsigned_v<Index>);
    /// The shared header's type.
    using HeaderType = Header;
    /// An entry's type.
    using EntryType = Entry;

    /// The largest capacity: half the index range, so that tail - head tells full from empty.
    static constexpr std::uint32_t max_capacity = static_cast<std::uint32_t>(
        (static_cast<std::uint64_t>(std::numeric_limits<Index>::max()) + 1) / 2);

    /// The bytes a queue of `capacity` entries needs (header and entries).
    static constexpr std::size_t bytes_for(std::uint32_t capacity) noexcept {
        return sizeof(Header) + static_cast<std::size_t>(capacity) * sizeof(Entry);
    }

    /// The number of slots.
    std::uint32_t capacity() const noexcept { return static_cast<std::uint32_t>(slots_.size()); }

    /// The number of entries in the queue: tail - head, modulo the index range. (sDDF 0.7's
    /// full check compares the int-promoted 16-bit difference, which is negative once the
    /// tail has wrapped and the head not yet; here the difference is taken in Index.)
    Index length() const noexcept {
        const Index tail = load_acquire<Tail>(header_);
        const Index head = load_acquire<Head>(header_);
        return static_cast<Index>(tail - head);
    }
    /// Whether the queue holds no entries.
    bool empty() const noexcept { return length() == 0; }
    /// Whether every slot is taken (or the peer's index claims more: never enqueue then).
    bool full() const noexcept { return length() >= capacity(); }

    // The handle's fields are copied before the first access to shared memory: GCC reloads
    // anything in memory after a volatile store, the handle included.

    /// Producer: appends `entry`; false when the queue is full.
    [[nodiscard]] bool enqueue(const Entry &entry) const noexcept {
        const shared_memory::Ref<Header> header = header_;
        const shared_memory::Slice<Entry> slots = slots_;
        const Index tail = load_own<Tail>(header);
        const Index head = load_acquire<Head>(header); // the consumer is done with the slot
        if (static_cast<Index>(tail - head) >= slots.size())
            return false;
        slots.wrapping(tail).write(entry); // slot tail % capacity
        store_release<Tail>(header, static_cast<Index>(tail + 1)); // the slot before the index
        return true;
    }

    /// Consumer: takes the oldest entry; nothing when the queue is empty.
    [[nodiscard]] std::optional<Entry> dequeue() const noexcept {
        const shared_memory::Ref<Header> header = header_;
        const shared_memory::Slice<Entry> slots = slots_;
        const Index head = load_own<Head>(header);
        const Index tail = load_acquire<Tail>(header); // the slot's contents with the index
        if (tail == head)
            return std::nullopt;
        const Entry entry = slots.wrapping(head).read();
        store_release<Head>(header, static_cast<Index>(head + 1)); // the read before the release
        return entry;
    }

protected:
    /// Checks `capacity` (a power of two, at most max_capacity) and `region` (aligned for the
    /// header, large enough for bytes_for(capacity)), in that order.
    static Result<Ring> attach_ring(shared_memory::Region region, std::uint32_t capacity) noexcept {
        if (capacity > max_capacity)
            return std::unexpected(Error::capacity_too_large);
        if (!std::has_single_bit(capacity))
            return std::unexpected(Error::capacity_not_power_of_two);
        auto header = region.ref<Header>(0);
        if (!header)
            return std::unexpected(to_queue_error(header.error()));
        auto slots = region.slice<Entry>(sizeof(Header), capacity);
        if (!slots)
            return std::unexpected(to_queue_error(slots.error()));
        return Ring(*header, *slots);
    }

    /// The shared header (for the signal flag and the plug).
    const shared_memory::Ref<Header> &header() const noexcept { return header_; }

private:
    static constexpr Error to_queue_error(shared_memory::Error error) noexcept {
        return error == shared_memory::Error::misaligned ? Error::region_misaligned : Error::region_too_small;
    }

    Ring(shared_memory::Ref<Header> header, shared_memory::Slice<Entry> slots) noexcept
        : header_(header), slots_(slots) {}

    shared_memory::Ref<Header> header_;
    shared_memory::Slice<Entry> slots_; // its size is the capacity, in private memory
};

} // namespace sel4::queue::detail
