/// @file
/// Split virtqueues (virtio 1.2, 2.7) in DMA memory: the descriptor table, the available ring
/// (driver to device) and the used ring (device to driver), with the free descriptor list and
/// the bookkeeping of the chains in flight in the driver's private memory.
///
/// ```cpp
/// virtio::DmaArena dma(dma_vaddr, dma_paddr, dma_size);
/// virtio::SplitQueue<256> rx;
/// rx.attach(*dma.take(virtio::SplitQueue<256>::bytes_for(256), virtio::ring_alignment), 256);
/// const virtio::Segment chain[] = {{hdr_paddr, 12, true}, {frame_paddr, 2048, true}};
/// rx.add(chain, token);                 // token: the driver's own handle of the buffer
/// while (auto used = rx.take_used()) {  // std::optional<Result<Used>>
///     if (*used) complete((*used)->token, (*used)->length); else log((*used).error());
/// }
/// ```
///
/// Everything the device writes (the used ring) is checked before it is believed: a used
/// element must name the head of a chain in flight, its length must fit the chain's
/// device-writable buffers, and the used index may not run ahead by more than the queue size.
/// The descriptors themselves are only ever written by the driver.
#pragma once

#include <sel4/virtio/error.hpp>
#include <sel4/virtio/mmio.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace sel4::virtio {

/// Memory the device can reach: `size` bytes at `vaddr` in this PD, at `paddr` for the device
/// (a Microkit memory region's setvar_vaddr and `<setvar region_paddr>`).
struct DmaRegion {
    std::uintptr_t vaddr = 0; ///< Where the driver reaches it.
    std::uint64_t paddr = 0;  ///< Where the device reaches it.
    std::size_t size = 0;     ///< Its size in bytes.

    /// The physical address of the byte at `vaddr` + `offset`.
    constexpr std::uint64_t paddr_of(std::size_t offset) const noexcept { return paddr + offset; }
};

/// Hands out aligned pieces of one DmaRegion, front to back.
class DmaArena {
public:
    /// The arena over `size` bytes at `vaddr`, `paddr` for the device.
    constexpr DmaArena(std::uintptr_t vaddr, std::uint64_t paddr, std::size_t size) noexcept
        : region_{vaddr, paddr, size} {}

    /// The next `size` bytes at an `alignment` boundary (a power of two, in both the virtual
    /// and the physical address), zeroed; dma_too_small when they do not fit,
    /// dma_misaligned when the two addresses disagree on the alignment.
    Result<DmaRegion> take(std::size_t size, std::size_t alignment) noexcept {
        const std::uintptr_t start = (region_.vaddr + used_ + alignment - 1) & ~(alignment - 1);
        const std::size_t offset = start - region_.vaddr;
        if (offset > region_.size || size > region_.size - offset)
            return fail(ErrorCode::dma_too_small, offset + size, region_.size);
        if (region_.paddr_of(offset) % alignment != 0)
            return fail(ErrorCode::dma_misaligned, region_.paddr_of(offset), alignment);
        used_ = offset + size;
        auto *bytes = reinterpret_cast<volatile std::byte *>(start);
        for (std::size_t i = 0; i < size; ++i)
            bytes[i] = std::byte{0};
        return DmaRegion{start, region_.paddr_of(offset), size};
    }

    /// The bytes handed out so far (with the alignment padding).
    std::size_t used() const noexcept { return used_; }
    /// The whole region.
    const DmaRegion &region() const noexcept { return region_; }

private:
    DmaRegion region_;
    std::size_t used_ = 0;
};

/// A split virtqueue descriptor (struct virtq_desc).
struct Descriptor {
    std::uint64_t addr;  ///< The buffer's physical address.
    std::uint32_t len;   ///< Its length.
    std::uint16_t flags; ///< descriptor_flag bits.
    std::uint16_t next;  ///< The next descriptor of the chain, with descriptor_flag::next.
};
static_assert(sizeof(Descriptor) == 16);

/// Descriptor flags.
namespace descriptor_flag {
inline constexpr std::uint16_t next = 1;     ///< The chain continues at `next`.
inline constexpr std::uint16_t write = 2;    ///< The device writes the buffer (else it reads it).
inline constexpr std::uint16_t indirect = 4; ///< The buffer is a table of descriptors (not used here).
} // namespace descriptor_flag

/// A used ring element (struct virtq_used_elem).
struct UsedElement {
    std::uint32_t id;  ///< The head of the chain the device is done with.
    std::uint32_t len; ///< The bytes it wrote into the chain's writable buffers.
};
static_assert(sizeof(UsedElement) == 8);

/// The alignment the rings need: the descriptor table's (16 bytes); the other two need less.
inline constexpr std::size_t ring_alignment = 16;

/// One buffer of a chain: `length` bytes at physical address `paddr`, written by the device
/// (`device_writes`) or read by it.
struct Segment {
    std::uint64_t paddr = 0;    ///< Its physical address.
    std::uint32_t length = 0;   ///< Its size in bytes.
    bool device_writes = false; ///< Whether the device writes it.
};

/// A chain the device is done with.
struct Used {
    std::uint64_t token = 0;  ///< The token add() was given.
    std::uint32_t length = 0; ///< The bytes the device wrote (checked against the writable buffers).
};

/// A split virtqueue of at most `Capacity` descriptors (a power of two, at most 32768) in DMA
/// memory (see the file's comment). Default-constructed empty; attach() places it.
template <std::uint16_t Capacity> class SplitQueue {
    static_assert(std::has_single_bit(Capacity) && Capacity <= 32768, "a split queue's size is a power of two");

public:
    /// The bytes the rings of a queue of `size` descriptors take in DMA memory (descriptor
    /// table, available ring, used ring, each aligned as it needs).
    static constexpr std::size_t bytes_for(std::uint16_t size) noexcept {
        return used_offset(size) + 6 + 8 * std::size_t{size};
    }

    /// Places the queue in `memory` (zeroed, ring_alignment-aligned) with `size` descriptors
    /// (a power of two, at most Capacity); frees every descriptor.
    Result<void> attach(DmaRegion memory, std::uint16_t size) noexcept {
        if (size == 0 || size > Capacity || !std::has_single_bit(size))
            return fail(ErrorCode::queue_too_small, size, Capacity);
        if (memory.size < bytes_for(size))
            return fail(ErrorCode::dma_too_small, memory.size, bytes_for(size));
        if (memory.vaddr % ring_alignment != 0 || memory.paddr % ring_alignment != 0)
            return fail(ErrorCode::dma_misaligned, memory.paddr, ring_alignment);
        memory_ = memory;
        size_ = size;
        free_head_ = 0;
        free_count_ = size;
        avail_index_ = 0;
        last_used_ = 0;
        for (std::uint16_t i = 0; i < size; ++i) {
            next_free_[i] = static_cast<std::uint16_t>(i + 1);
            chains_[i] = Chain{};
        }
        write16(avail_offset(), 0); // flags: interrupts wanted
        write16(avail_offset() + 2, 0);
        write16(used_offset(size_), 0);
        write16(used_offset(size_) + 2, 0);
        return {};
    }

    /// The number of descriptors.
    std::uint16_t size() const noexcept { return size_; }
    /// The rings' physical addresses (for Transport::setup_queue).
    QueueAddresses addresses() const noexcept {
        return {.descriptors = memory_.paddr, .driver = memory_.paddr + avail_offset(),
                .device = memory_.paddr + used_offset(size_)};
    }
    /// The descriptors not in a chain.
    std::uint16_t free_descriptors() const noexcept { return free_count_; }
    /// The chains the device holds.
    std::uint16_t in_flight() const noexcept { return in_flight_; }

    /// Makes the buffers of `chain` (at least one, device-read ones first as the spec asks)
    /// one descriptor chain and offers it to the device (available ring, then its index
    /// after a barrier). `token` comes back in the Used of the chain. Returns the chain's
    /// head; no_descriptors when there are too few free, empty_chain for no buffers.
    Result<std::uint16_t> add(std::span<const Segment> chain, std::uint64_t token) noexcept {
        if (chain.empty())
            return fail(ErrorCode::empty_chain);
        if (chain.size() > free_count_)
            return fail(ErrorCode::no_descriptors, chain.size(), free_count_);
        const std::uint16_t head = free_head_;
        std::uint16_t index = head;
        std::uint64_t writable = 0;
        for (std::size_t i = 0; i < chain.size(); ++i) {
            const Segment &segment = chain[i];
            const bool last = i + 1 == chain.size();
            const std::uint16_t next = next_free_[index];
            std::uint16_t flags = segment.device_writes ? descriptor_flag::write : 0;
            if (!last)
                flags |= descriptor_flag::next;
            write_descriptor(index, {.addr = segment.paddr, .len = segment.length, .flags = flags,
                                     .next = last ? std::uint16_t{0} : next});
            if (segment.device_writes)
                writable += segment.length;
            if (last)
                free_head_ = next;
            else
                index = next;
        }
        free_count_ = static_cast<std::uint16_t>(free_count_ - chain.size());
        chains_[head] = Chain{.token = token, .writable = writable, .count = static_cast<std::uint16_t>(chain.size()),
                              .tail = index, .in_flight = true};
        ++in_flight_;
        write16(avail_offset() + 4 + 2 * std::size_t{static_cast<std::uint16_t>(avail_index_ % size_)}, head);
        dma_barrier(); // the descriptors and the ring entry before the index
        ++avail_index_;
        write16(avail_offset() + 2, avail_index_);
        return head;
    }

    /// Whether the device wants a notification for new buffers (its used ring's flags do
    /// not say VIRTQ_USED_F_NO_NOTIFY).
    bool should_notify() const noexcept {
        dma_barrier(); // the index's store before the flag's load
        return (read16(used_offset(size_)) & 1) == 0;
    }

    /// The next chain the device is done with: nothing when it has returned none; an Error
    /// for a used element that does not check (bad_used_id: the element is skipped;
    /// bad_used_length: the chain is freed and its token is in the Error; used_ring_overrun:
    /// the used index is beyond belief, nothing is taken).
    std::optional<Result<Used>> take_used() noexcept {
        if (size_ == 0)
            return std::nullopt;
        const std::uint16_t index = read16(used_offset(size_) + 2);
        if (index == last_used_)
            return std::nullopt;
        const std::uint16_t ahead = static_cast<std::uint16_t>(index - last_used_);
        if (ahead > size_)
            return fail(ErrorCode::used_ring_overrun, ahead, size_);
        dma_barrier(); // the element after the index
        const std::size_t at = used_offset(size_) + 4 + 8 * std::size_t{static_cast<std::uint16_t>(last_used_ % size_)};
        const std::uint32_t id = read32(at);
        const std::uint32_t length = read32(at + 4);
        ++last_used_;
        if (id >= size_ || !chains_[id].in_flight)
            return fail(ErrorCode::bad_used_id, id, size_);
        const Chain chain = chains_[id];
        release(static_cast<std::uint16_t>(id));
        if (length > chain.writable) {
            Error error{.code = ErrorCode::bad_used_length, .got = length, .want = chain.writable, .has_token = true,
                        .token = chain.token};
            return std::unexpected(error);
        }
        return Used{.token = chain.token, .length = length};
    }

    /// The used ring's index the driver has reached (for tests and diagnostics).
    std::uint16_t last_used() const noexcept { return last_used_; }
    /// The available ring's index.
    std::uint16_t avail_index() const noexcept { return avail_index_; }

private:
    struct Chain {
        std::uint64_t token = 0;
        std::uint64_t writable = 0;
        std::uint16_t count = 0;
        std::uint16_t tail = 0;
        bool in_flight = false;
    };

    std::size_t avail_offset() const noexcept { return avail_offset_for(size_); }
    static constexpr std::size_t avail_offset_for(std::uint16_t size) noexcept { return 16 * std::size_t{size}; }
    static constexpr std::size_t used_offset(std::uint16_t size) noexcept {
        // descriptors (16 * size), available ring (flags, idx, ring[size], used_event), then the
        // used ring at a 4-byte boundary
        return (avail_offset_for(size) + 6 + 2 * std::size_t{size} + 3) & ~std::size_t{3};
    }

    // Puts the chain at `head` back on the free list (its descriptors are linked through
    // next_free_ in the order add() took them).
    void release(std::uint16_t head) noexcept {
        Chain &chain = chains_[head];
        next_free_[chain.tail] = free_head_;
        free_head_ = head;
        free_count_ = static_cast<std::uint16_t>(free_count_ + chain.count);
        chain.in_flight = false;
        --in_flight_;
    }

    void write_descriptor(std::uint16_t index, const Descriptor &descriptor) noexcept {
        auto *d = reinterpret_cast<volatile Descriptor *>(memory_.vaddr) + index;
        d->addr = descriptor.addr;
        d->len = descriptor.len;
        d->flags = descriptor.flags;
        d->next = descriptor.next;
    }
    void write16(std::size_t offset, std::uint16_t value) noexcept {
        *reinterpret_cast<volatile std::uint16_t *>(memory_.vaddr + offset) = value;
    }
    std::uint16_t read16(std::size_t offset) const noexcept {
        return *reinterpret_cast<const volatile std::uint16_t *>(memory_.vaddr + offset);
    }
    std::uint32_t read32(std::size_t offset) const noexcept {
        return *reinterpret_cast<const volatile std::uint32_t *>(memory_.vaddr + offset);
    }

    DmaRegion memory_{};
    std::uint16_t size_ = 0;
    std::uint16_t free_head_ = 0;
    std::uint16_t free_count_ = 0;
    std::uint16_t in_flight_ = 0;
    std::uint16_t avail_index_ = 0;
    std::uint16_t last_used_ = 0;
    std::array<std::uint16_t, Capacity> next_free_{};
    std::array<Chain, Capacity> chains_{};
};

} // namespace sel4::virtio
