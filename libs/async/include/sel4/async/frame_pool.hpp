/// @file
/// Where coroutine frames come from: a fixed pool per PD, sized at compile time, with no heap.
///
/// A coroutine's frame size is fixed per coroutine but only known at run time (the compiler
/// passes it to the promise's operator new), so the pool serves size classes: multiples of
/// 16 bytes up to 256, then four classes per power of two up to 1 MiB. Each class has a free
/// list; a class with an empty free list carves a new block from the untouched rest of the
/// pool. Allocation and release are a handful of instructions (a pop or a push), which
/// matters because every call of a coroutine allocates a frame.
///
/// A block carved for a class stays in that class: blocks are neither split nor coalesced.
/// A PD runs the same coroutines over and over, so its steady state reuses blocks exactly;
/// size the pool for the peak mix of frames (stats() tells the high-water mark).
///
/// The pool that serves new frames is the most recently constructed one that is still alive
/// (normally the one pool of the PD, a global). A frame goes back to the pool that holds it.
#pragma once

#include <sel4/async/detail/fatal.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sel4::async {

/// What a pool has handed out, for tuning its size and for the benchmarks.
struct FramePoolStats {
    /// Bytes of storage the pool manages.
    std::size_t capacity = 0;
    /// Bytes of the blocks in use now (block sizes: requests rounded up to their class).
    std::size_t in_use_bytes = 0;
    /// Blocks in use now.
    std::size_t in_use_blocks = 0;
    /// The largest in_use_bytes so far.
    std::size_t high_water_bytes = 0;
    /// The largest in_use_blocks so far.
    std::size_t high_water_blocks = 0;
    /// Bytes carved from the storage so far (in use or on a free list).
    std::size_t carved_bytes = 0;
    /// Successful allocations so far.
    std::size_t allocations = 0;
    /// Allocations refused so far (no block of the class left, or too large).
    std::size_t failures = 0;
    /// The largest coroutine frame asked for so far, in bytes (the compiler's size).
    std::size_t largest_frame = 0;
    /// The size of the last coroutine frame asked for, in bytes.
    std::size_t last_frame = 0;
};

/// The pool's logic over storage it is given; FramePool<Bytes> brings the storage. Not
/// copyable or movable (the free lists point into the storage).
class FrameAllocator {
public:
    /// Alignment of every block: that of std::max_align_t, what a coroutine frame needs.
    static constexpr std::size_t alignment = alignof(std::max_align_t);
    /// The largest block the pool serves.
    static constexpr std::size_t max_block = std::size_t{1} << 20;

    /// A pool over `storage` (its start aligned to `alignment`), which becomes the pool that
    /// serves new frames until it is destroyed or another pool is constructed.
    explicit FrameAllocator(std::span<std::byte> storage) noexcept
        : begin_(storage.data()), end_(storage.data() + storage.size()), next_free_(storage.data()),
          previous_(current_) {
        if (reinterpret_cast<std::uintptr_t>(begin_) % alignment != 0)
            detail::fatal("FrameAllocator: storage is not aligned to alignof(std::max_align_t)");
        stats_.capacity = storage.size();
        current_ = this;
    }
    FrameAllocator(const FrameAllocator &) = delete;
    FrameAllocator &operator=(const FrameAllocator &) = delete;
    /// Stops serving frames; the pool constructed before it serves them again. Every block
    /// must have been released.
    ~FrameAllocator() {
        if (stats_.in_use_blocks != 0)
            detail::fatal("FrameAllocator destroyed with blocks in use");
        for (FrameAllocator **link = &current_; *link != nullptr; link = &(*link)->previous_)
            if (*link == this) {
                *link = previous_;
                break;
            }
    }

    /// A block of at least `bytes`, aligned to `alignment`, or null when the class has none
    /// left (or `bytes` > max_block).
    void *allocate(std::size_t bytes) noexcept {
        if (bytes > max_block) [[unlikely]] {
            ++stats_.failures;
            return nullptr;
        }
        const unsigned index = class_of(bytes);
        const std::size_t size = class_size(index);
        void *block = free_[index];
        if (block != nullptr) {
            free_[index] = static_cast<FreeBlock *>(block)->next;
        } else if (static_cast<std::size_t>(end_ - next_free_) >= size) {
            block = next_free_;
            next_free_ += size;
            stats_.carved_bytes += size;
        } else {
            ++stats_.failures;
            return nullptr;
        }
        ++stats_.allocations;
        ++stats_.in_use_blocks;
        stats_.in_use_bytes += size;
        if (stats_.in_use_bytes > stats_.high_water_bytes)
            stats_.high_water_bytes = stats_.in_use_bytes;
        if (stats_.in_use_blocks > stats_.high_water_blocks)
            stats_.high_water_blocks = stats_.in_use_blocks;
        return block;
    }

    /// Returns `block`, allocated with the same `bytes`, to its class's free list.
    void deallocate(void *block, std::size_t bytes) noexcept {
        const unsigned index = class_of(bytes);
        auto *free_block = static_cast<FreeBlock *>(block);
        free_block->next = free_[index];
        free_[index] = free_block;
        --stats_.in_use_blocks;
        stats_.in_use_bytes -= class_size(index);
    }

    /// Whether `block` lies in this pool's storage.
    bool owns(const void *block) const noexcept {
        const auto *byte = static_cast<const std::byte *>(block);
        return byte >= begin_ && byte < end_;
    }

    /// What the pool has handed out.
    const FramePoolStats &stats() const noexcept { return stats_; }

    /// Notes a coroutine frame request of `bytes` in the statistics (largest, last).
    void note_frame(std::size_t bytes) noexcept {
        stats_.last_frame = bytes;
        if (bytes > stats_.largest_frame)
            stats_.largest_frame = bytes;
    }

    /// The size of the block that serves a request of `bytes` (<= max_block).
    static constexpr std::size_t block_size(std::size_t bytes) noexcept { return class_size(class_of(bytes)); }

    /// The pool that serves new frames, or null when there is none.
    static FrameAllocator *current() noexcept { return current_; }

    /// The live pool that holds `block`, or null.
    static FrameAllocator *owner_of(const void *block) noexcept {
        for (FrameAllocator *pool = current_; pool != nullptr; pool = pool->previous_)
            if (pool->owns(block))
                return pool;
        return nullptr;
    }

private:
    struct FreeBlock {
        FreeBlock *next;
    };

    // Classes 0..15: 16, 32, ..., 256 bytes. Then for 2^k < n <= 2^(k+1), k >= 8, four
    // classes of steps of 2^(k-2): 320, 384, 448, 512, 640, ...; the last is max_block.
    static constexpr unsigned small_classes = 16;
    static constexpr unsigned class_count = small_classes + 4 * (std::bit_width(max_block) - 1 - 8);
    static constexpr unsigned class_of(std::size_t bytes) noexcept {
        if (bytes <= 256)
            return bytes == 0 ? 0 : static_cast<unsigned>((bytes - 1) / 16);
        const unsigned k = static_cast<unsigned>(std::bit_width(bytes - 1)) - 1; // 2^k < bytes <= 2^(k+1)
        const std::size_t step = std::size_t{1} << (k - 2);
        const std::size_t above = (bytes - (std::size_t{1} << k) + step - 1) / step; // 1..4
        return small_classes + 4 * (k - 8) + static_cast<unsigned>(above) - 1;
    }
    static constexpr std::size_t class_size(unsigned index) noexcept {
        if (index < small_classes)
            return 16 * (std::size_t{index} + 1);
        const unsigned k = 8 + (index - small_classes) / 4;
        const std::size_t step = std::size_t{1} << (k - 2);
        return (std::size_t{1} << k) + step * ((index - small_classes) % 4 + 1);
    }

    std::byte *begin_;
    std::byte *end_;
    std::byte *next_free_;
    FrameAllocator *previous_;
    FreeBlock *free_[class_count] = {};
    FramePoolStats stats_;

    static inline constinit FrameAllocator *current_ = nullptr;
};
static_assert(FrameAllocator::block_size(1) == 16 && FrameAllocator::block_size(256) == 256);
static_assert(FrameAllocator::block_size(257) == 320 && FrameAllocator::block_size(512) == 512 &&
              FrameAllocator::block_size(513) == 640);
static_assert(FrameAllocator::block_size(FrameAllocator::max_block) == FrameAllocator::max_block);

/// A frame pool with `Bytes` bytes of storage inside it: a PD defines one, usually as a
/// global (its storage then lies in .bss), before anything creates a Task.
///
/// ```cpp
/// sel4::async::FramePool<64 * 1024> frames;
/// ```
template <std::size_t Bytes> class FramePool : public FrameAllocator {
    static_assert(Bytes % FrameAllocator::alignment == 0, "FramePool's size is a multiple of 16 bytes");

public:
    /// A pool over its own storage; it serves new frames from now on.
    FramePool() noexcept : FrameAllocator(std::span<std::byte>(storage_, Bytes)) {}

private:
    alignas(FrameAllocator::alignment) std::byte storage_[Bytes];
};

namespace detail {

/// A coroutine frame of `bytes` from the current pool, or null.
inline void *allocate_frame(std::size_t bytes) noexcept {
    FrameAllocator *pool = FrameAllocator::current();
    if (pool == nullptr) [[unlikely]]
        return nullptr;
    pool->note_frame(bytes);
    return pool->allocate(bytes);
}

/// A block of `bytes` that is not a coroutine frame (the executor's records), or null.
inline void *allocate_block(std::size_t bytes) noexcept {
    FrameAllocator *pool = FrameAllocator::current();
    return pool == nullptr ? nullptr : pool->allocate(bytes);
}

/// Returns a frame or block of `bytes` to the pool that holds it.
inline void free_block(void *block, std::size_t bytes) noexcept {
    FrameAllocator *pool = FrameAllocator::current();
    if (pool == nullptr || !pool->owns(block)) [[unlikely]] {
        pool = FrameAllocator::owner_of(block);
        if (pool == nullptr)
            fatal("a coroutine frame freed that no live FramePool holds");
    }
    pool->deallocate(block, bytes);
}

} // namespace detail

} // namespace sel4::async
