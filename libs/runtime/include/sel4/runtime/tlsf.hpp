/// @file
/// A two-level segregated fit (TLSF) allocator over one region of memory.
///
/// Why TLSF: every operation is O(1) (two bitmap scans, no list walks), fragmentation stays
/// low (good fit, immediate coalescing) and the bookkeeping is a few words per block plus one
/// fixed table, so it suits a small, predictable, real-time system such as seL4 userspace.
/// The design follows Masmano, Ripoll, Crespo and Real, "TLSF: a new dynamic memory allocator
/// for real-time systems" (ECRTS 2004); this implementation is written from that description.
///
/// Block layout. The region is cut into physically consecutive blocks, ended by a zero-size,
/// always-used sentinel. Every block's payload is `alignment`-aligned, and a block's size is
/// the distance from its payload to the next block's payload (a multiple of `alignment`):
///
/// ```{.unparsed}
///      block ->  prev_phys   previous block in memory; valid only while that one is free,
///                            so it lives in the last word of the previous block's payload
///                header      size | this-block-free bit | previous-block-free bit
///    payload ->  next_free   \ the free-list links, valid only while the block is free;
///                prev_free   / otherwise they are the first bytes of the user's data
///                ...
/// ```
///
/// A used block therefore costs one word (its header) besides rounding, and a user may write
/// size - sizeof(header) bytes. A free block is also findable from its successor (prev_phys
/// and the successor's previous-free bit are the boundary tag), so freeing coalesces with both
/// neighbours at once; two free blocks are never adjacent.
///
/// Free blocks sit in segregated lists indexed by (first level, second level): the first level
/// is the power of two of the size, the second splits that power into 32 equal ranges (sizes
/// below 32 * alignment have one exact list per size instead). A bitmap per level says which
/// lists are non-empty. An allocation rounds its size up to the start of the next list, so any
/// block found there fits without searching.
///
/// The class is not thread-safe; sel4_runtime::Heap (heap.hpp) adds a lock.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

namespace sel4_runtime {

namespace tlsf_detail {
struct Block {
    Block *prev_phys;
    std::size_t header;
    Block *next_free;
    Block *prev_free;
};
} // namespace tlsf_detail

/// A two-level segregated fit allocator over one region of memory (sel4/runtime/tlsf.hpp
/// describes the design). Every operation is O(1); not thread-safe.
class Tlsf {
public:
    /// Alignment of every payload (max_align_t: 16 on the 64-bit worlds).
    static constexpr std::size_t alignment = alignof(std::max_align_t);
    /// log2 of second_level_count.
    static constexpr unsigned second_level_log2 = 5;
    /// The number of second-level lists into which each power of two is split.
    static constexpr unsigned second_level_count = 1u << second_level_log2;
    /// Sizes below this have exact lists (first level 0).
    static constexpr std::size_t small_block_limit = second_level_count * alignment;
    /// log2 of small_block_limit.
    static constexpr unsigned small_block_log2 = std::countr_zero(small_block_limit);
    /// The number of first-level lists: enough for every size up to max_block_size.
    static constexpr unsigned first_level_count =
        std::numeric_limits<std::size_t>::digits - small_block_log2 < 32
            ? std::numeric_limits<std::size_t>::digits - small_block_log2
            : 32;
    /// The largest block; a larger region is used only up to this size.
    static constexpr std::size_t max_block_size =
        (std::size_t{1} << (small_block_log2 + first_level_count - 1)) - alignment;
    /// The smallest block: a free block holds its two links and its successor's prev_phys.
    static constexpr std::size_t min_block_size =
        (3 * sizeof(void *) + alignment - 1) / alignment * alignment;
    /// The bytes a used block costs besides its payload.
    static constexpr std::size_t header_size = sizeof(std::size_t);

    /// What the heap holds, block by block.
    struct Statistics {
        std::size_t free_bytes = 0;         ///< The sizes of the free blocks, headers included.
        std::size_t used_bytes = 0;         ///< The sizes of the used blocks, headers included.
        std::size_t free_blocks = 0;        ///< The number of free blocks.
        std::size_t used_blocks = 0;        ///< The number of used blocks.
        std::size_t largest_free_block = 0; ///< The size of the largest free block.
        std::size_t peak_used_bytes = 0;    ///< The most used_bytes there ever were at once (since init()).
    };

    /// Whether `v` is a power of two. Written out: std::has_single_bit becomes a libgcc
    /// popcount call on targets without one.
    static constexpr bool is_power_of_two(std::size_t v) noexcept {
        return v != 0 && (v & (v - 1)) == 0;
    }

    /// An allocator with no region: every allocation fails until init().
    constexpr Tlsf() noexcept = default;
    Tlsf(const Tlsf &) = delete;            ///< Not copyable: its blocks point into each other.
    Tlsf &operator=(const Tlsf &) = delete; ///< Not copyable: its blocks point into each other.

    /// Takes `region` as the heap, forgetting any earlier one. False (and no heap) when the
    /// region cannot hold one block.
    bool init(std::span<std::byte> region) noexcept;
    /// Whether init() succeeded.
    bool initialised() const noexcept { return sentinel_ != nullptr; }

    /// `size` bytes aligned to `align`; nullptr when no block fits, the size or alignment is
    /// too large, or `align` is not a power of two. Alignments up to `alignment` cost nothing
    /// extra; size 0 gives a block of the smallest size.
    void *allocate(std::size_t size, std::size_t align = alignment) noexcept;
    /// Frees `p`, coalescing it with its free neighbours. `p` is nullptr or a live pointer
    /// from this heap.
    void deallocate(void *p) noexcept;
    /// `p` is a live pointer from this heap. Shrinks in place, grows in place into a free
    /// successor, else moves (copying the contents). nullptr, with `p` untouched, on failure.
    void *reallocate(void *p, std::size_t size) noexcept;
    /// How many bytes the user may use at `p` (at least what was asked for).
    std::size_t usable_size(const void *p) const noexcept;

    /// Counts the blocks; O(number of blocks).
    Statistics statistics() const noexcept;
    /// Walks every block and every free list: boundary tags, flags, coalescing, list links,
    /// list membership and bitmaps. nullptr when all holds, else what is wrong.
    const char *integrity_error() const noexcept;

private:
    using Block = tlsf_detail::Block;
    struct Index {
        unsigned first, second;
    };
    static Index index_of(std::size_t size) noexcept;
    Block *find_free(std::size_t size) const noexcept;
    void insert(Block *block) noexcept;
    void remove(Block *block) noexcept;
    void *use(Block *block, std::size_t size) noexcept;
    void shrink(Block *block, std::size_t size) noexcept;

    std::uint32_t first_bitmap_ = 0;
    std::uint32_t second_bitmaps_[first_level_count] = {};
    Block *heads_[first_level_count][second_level_count] = {};
    Block *first_ = nullptr;    // the first block of the region
    Block *sentinel_ = nullptr; // the zero-size used block that ends it
    std::size_t used_bytes_ = 0; // the used blocks' sizes, kept as they change
    std::size_t peak_used_bytes_ = 0;
};

} // namespace sel4_runtime
