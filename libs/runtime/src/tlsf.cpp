// The TLSF allocator; the design and block layout are described in tlsf.hpp.
#include <sel4/runtime/tlsf.hpp>

#include <algorithm>
#include <cstring>
#include <iterator>

namespace sel4_runtime {

namespace {

using Block = tlsf_detail::Block;
using Address = std::uintptr_t;

constexpr std::size_t free_bit = 1;      // this block is free
constexpr std::size_t prev_free_bit = 2; // the block before it in memory is free
constexpr std::size_t flag_bits = free_bit | prev_free_bit;
static_assert(Tlsf::alignment > flag_bits, "the flags live in the size's low bits");
static_assert(Tlsf::small_block_log2 > Tlsf::second_level_log2);

// The payload starts after prev_phys and the header.
constexpr std::size_t payload_offset = offsetof(Block, next_free);
static_assert(payload_offset == 2 * sizeof(void *));

Address address(const void *p) { return reinterpret_cast<Address>(p); }
Address align_up(Address a, std::size_t align) { return (a + align - 1) & ~Address{align - 1}; }
Address align_down(Address a, std::size_t align) { return a & ~Address{align - 1}; }

std::size_t size_of(const Block *b) { return b->header & ~flag_bits; }
bool is_free(const Block *b) { return (b->header & free_bit) != 0; }
bool prev_is_free(const Block *b) { return (b->header & prev_free_bit) != 0; }
void set_size(Block *b, std::size_t size) { b->header = size | (b->header & flag_bits); }

std::byte *payload(Block *b) { return reinterpret_cast<std::byte *>(b) + payload_offset; }
Block *block_at(Address payload_address) {
    return reinterpret_cast<Block *>(payload_address - payload_offset);
}
Block *block_of(const void *p) { return block_at(address(p)); }
// Payloads are `size` apart, so blocks are too.
Block *next_of(const Block *b) { return reinterpret_cast<Block *>(address(b) + size_of(b)); }

// The block size that holds `size` user bytes: the payload up to the successor's header.
std::size_t block_size_for(std::size_t size) {
    return std::max(Tlsf::min_block_size,
                    static_cast<std::size_t>(align_up(size + Tlsf::header_size, Tlsf::alignment)));
}

// The largest request: its block, header included, is at most max_block_size.
constexpr std::size_t max_user_size = Tlsf::max_block_size - Tlsf::header_size;

unsigned highest_bit(std::size_t v) { return std::bit_width(v) - 1; }

} // namespace

Tlsf::Index Tlsf::index_of(std::size_t size) noexcept {
    if (size < small_block_limit)
        return {0, static_cast<unsigned>(size / alignment)};
    const unsigned top = highest_bit(size);
    return {top - small_block_log2 + 1,
            static_cast<unsigned>(size >> (top - second_level_log2)) - second_level_count};
}

bool Tlsf::init(std::span<std::byte> region) noexcept {
    first_bitmap_ = 0;
    std::fill(std::begin(second_bitmaps_), std::end(second_bitmaps_), 0);
    std::fill(&heads_[0][0], &heads_[0][0] + first_level_count * second_level_count, nullptr);
    first_ = sentinel_ = nullptr;
    used_bytes_ = peak_used_bytes_ = 0;
    // Room for the first block's prev_phys and header, one block, and the sentinel's header.
    if (region.size() < payload_offset + alignment + min_block_size + header_size)
        return false;
    const Address first_payload = align_up(address(region.data()) + payload_offset, alignment);
    const Address end_payload = align_down(address(region.data()) + region.size(), alignment);
    if (end_payload < first_payload + min_block_size)
        return false;
    const std::size_t size = std::min<std::size_t>(end_payload - first_payload, max_block_size);
    first_ = block_at(first_payload);
    first_->header = size | free_bit;
    sentinel_ = next_of(first_);
    sentinel_->header = prev_free_bit;
    sentinel_->prev_phys = first_;
    insert(first_);
    return true;
}

void Tlsf::insert(Block *block) noexcept {
    const auto [fl, sl] = index_of(size_of(block));
    Block *&head = heads_[fl][sl];
    block->prev_free = nullptr;
    block->next_free = head;
    if (head != nullptr)
        head->prev_free = block;
    head = block;
    second_bitmaps_[fl] |= 1u << sl;
    first_bitmap_ |= 1u << fl;
}

void Tlsf::remove(Block *block) noexcept {
    const auto [fl, sl] = index_of(size_of(block));
    if (block->next_free != nullptr)
        block->next_free->prev_free = block->prev_free;
    if (block->prev_free != nullptr) {
        block->prev_free->next_free = block->next_free;
        return;
    }
    heads_[fl][sl] = block->next_free;
    if (block->next_free == nullptr) {
        second_bitmaps_[fl] &= ~(1u << sl);
        if (second_bitmaps_[fl] == 0)
            first_bitmap_ &= ~(1u << fl);
    }
}

// A free block of at least `size` bytes, not yet taken off its list; nullptr if none.
Tlsf::Block *Tlsf::find_free(std::size_t size) const noexcept {
    // Round up to the first list whose every block is large enough.
    std::size_t rounded = size;
    if (size >= small_block_limit)
        rounded += (std::size_t{1} << (highest_bit(size) - second_level_log2)) - 1;
    auto [fl, sl] = index_of(rounded);
    if (fl < first_level_count) {
        std::uint32_t seconds = second_bitmaps_[fl] & (~std::uint32_t{0} << sl);
        if (seconds == 0 && fl + 1 < first_level_count) {
            const std::uint32_t firsts = first_bitmap_ & (~std::uint32_t{0} << (fl + 1));
            if (firsts != 0) {
                fl = std::countr_zero(firsts);
                seconds = second_bitmaps_[fl];
            }
        }
        if (seconds != 0)
            return heads_[fl][std::countr_zero(seconds)];
    }
    // Nothing in the larger lists: the head of the size's own list may still fit.
    const auto [own_fl, own_sl] = index_of(size);
    Block *head = heads_[own_fl][own_sl];
    return head != nullptr && size_of(head) >= size ? head : nullptr;
}

// Marks the free, unlisted `block` used, giving back what lies beyond `size` as a new free
// block. The block's successor is not free (blocks are coalesced).
void *Tlsf::use(Block *block, std::size_t size) noexcept {
    const std::size_t total = size_of(block);
    if (total - size >= min_block_size) {
        set_size(block, size);
        Block *rest = next_of(block);
        rest->header = (total - size) | free_bit;
        next_of(rest)->prev_phys = rest;
        insert(rest);
    } else {
        next_of(block)->header &= ~prev_free_bit;
    }
    block->header &= ~free_bit;
    used_bytes_ += size_of(block);
    peak_used_bytes_ = std::max(peak_used_bytes_, used_bytes_);
    return payload(block);
}

void *Tlsf::allocate(std::size_t size, std::size_t align) noexcept {
    if (!initialised() || !is_power_of_two(align) || size > max_user_size)
        return nullptr;
    const std::size_t needed = block_size_for(size);
    if (align <= alignment) {
        Block *block = find_free(needed);
        if (block == nullptr)
            return nullptr;
        remove(block);
        return use(block, needed);
    }
    // Over-aligned: find room for a leading gap, which must be empty or a whole free block.
    if (needed > max_block_size - min_block_size ||
        align > max_block_size - min_block_size - needed)
        return nullptr;
    Block *block = find_free(needed + align + min_block_size);
    if (block == nullptr)
        return nullptr;
    remove(block);
    const Address start = address(payload(block));
    Address aligned = align_up(start, align);
    if (aligned != start && aligned - start < min_block_size)
        aligned = align_up(start + min_block_size, align);
    if (aligned != start) {
        // Split off the gap as a free block; its predecessor is used (blocks are coalesced).
        const std::size_t gap = aligned - start;
        Block *rest = block_at(aligned);
        rest->header = (size_of(block) - gap) | free_bit | prev_free_bit;
        rest->prev_phys = block;
        next_of(rest)->prev_phys = rest;
        set_size(block, gap);
        insert(block);
        block = rest;
    }
    return use(block, needed);
}

void Tlsf::deallocate(void *p) noexcept {
    if (p == nullptr)
        return;
    Block *block = block_of(p);
    used_bytes_ -= size_of(block);
    block->header |= free_bit;
    Block *next = next_of(block);
    if (is_free(next)) {
        remove(next);
        set_size(block, size_of(block) + size_of(next));
        next = next_of(block);
    }
    if (prev_is_free(block)) {
        Block *prev = block->prev_phys;
        remove(prev);
        set_size(prev, size_of(prev) + size_of(block));
        block = prev;
    }
    next->prev_phys = block;
    next->header |= prev_free_bit;
    insert(block);
}

// Cuts the used `block` down to `size`, freeing (and coalescing) the tail when it can form
// a block.
void Tlsf::shrink(Block *block, std::size_t size) noexcept {
    const std::size_t total = size_of(block);
    if (total - size < min_block_size)
        return;
    set_size(block, size);
    Block *rest = next_of(block);
    rest->header = total - size; // used, after a used block: deallocate frees and links it
    deallocate(payload(rest));
}

void *Tlsf::reallocate(void *p, std::size_t size) noexcept {
    if (size > max_user_size)
        return nullptr;
    Block *block = block_of(p);
    const std::size_t needed = block_size_for(size);
    const std::size_t current = size_of(block);
    if (needed <= current) {
        shrink(block, needed);
        return p;
    }
    Block *next = next_of(block);
    if (is_free(next) && current + size_of(next) >= needed) {
        remove(next);
        used_bytes_ += size_of(next); // for a moment: shrink() gives back what is not needed
        set_size(block, current + size_of(next));
        next_of(block)->header &= ~prev_free_bit;
        shrink(block, needed);
        peak_used_bytes_ = std::max(peak_used_bytes_, used_bytes_);
        return p;
    }
    void *moved = allocate(size);
    if (moved == nullptr)
        return nullptr;
    std::memcpy(moved, p, current - header_size);
    deallocate(p);
    return moved;
}

std::size_t Tlsf::usable_size(const void *p) const noexcept {
    return size_of(block_of(p)) - header_size;
}

Tlsf::Statistics Tlsf::statistics() const noexcept {
    Statistics s;
    if (!initialised())
        return s;
    for (const Block *b = first_; b != sentinel_; b = next_of(b)) {
        if (is_free(b)) {
            s.free_bytes += size_of(b);
            ++s.free_blocks;
            s.largest_free_block = std::max(s.largest_free_block, size_of(b));
        } else {
            s.used_bytes += size_of(b);
            ++s.used_blocks;
        }
    }
    s.peak_used_bytes = peak_used_bytes_;
    return s;
}

const char *Tlsf::integrity_error() const noexcept {
    if (!initialised())
        return "the heap has no region";
    const Address begin = address(first_), end = address(sentinel_);
    // The physical walk: sizes, bounds, flags, boundary tags, coalescing.
    std::size_t free_blocks = 0, used_bytes = 0;
    const Block *prev = nullptr;
    const Block *b = first_;
    for (; b != sentinel_; b = next_of(b)) {
        const std::size_t size = size_of(b);
        if (size < min_block_size || size % alignment != 0)
            return "a block has an invalid size";
        if (address(b) + size > end)
            return "a block runs past the end of the heap";
        const bool prev_free = prev != nullptr && is_free(prev);
        if (prev_is_free(b) != prev_free)
            return "a block's previous-free bit disagrees with its predecessor";
        if (prev_free && b->prev_phys != prev)
            return "a block's prev_phys does not point to its free predecessor";
        if (prev_free && is_free(b))
            return "two free blocks are adjacent (not coalesced)";
        free_blocks += is_free(b) ? 1 : 0;
        used_bytes += is_free(b) ? 0 : size;
        prev = b;
    }
    if (used_bytes != used_bytes_ || peak_used_bytes_ < used_bytes_)
        return "the count of used bytes (or its peak) disagrees with the used blocks";
    if (sentinel_->header != (is_free(prev) ? prev_free_bit : 0))
        return "the sentinel's header is wrong";
    if (is_free(prev) && sentinel_->prev_phys != prev)
        return "the sentinel's prev_phys does not point to the last free block";
    // The lists: bitmaps, links, membership; together they hold exactly the free blocks.
    std::size_t listed = 0;
    for (unsigned fl = 0; fl < first_level_count; ++fl) {
        if (((first_bitmap_ >> fl) & 1) != (second_bitmaps_[fl] != 0 ? 1u : 0u))
            return "the first-level bitmap disagrees with the second-level bitmaps";
        for (unsigned sl = 0; sl < second_level_count; ++sl) {
            const Block *head = heads_[fl][sl];
            if (((second_bitmaps_[fl] >> sl) & 1) != (head != nullptr ? 1u : 0u))
                return "a second-level bitmap disagrees with its list";
            const Block *before = nullptr;
            for (const Block *f = head; f != nullptr; before = f, f = f->next_free) {
                if (++listed > free_blocks)
                    return "the free lists hold more blocks than the heap (or a cycle)";
                const bool in_heap = address(f) >= begin && address(f) < end;
                if (!in_heap || (address(f) - begin) % alignment != 0)
                    return "a free-list entry is not a block of the heap";
                if (!is_free(f))
                    return "a used block is on a free list";
                const Index index = index_of(size_of(f));
                if (index.first != fl || index.second != sl)
                    return "a free block is on the wrong list";
                if (f->prev_free != before)
                    return "a free list's back link is wrong";
            }
        }
    }
    if (listed != free_blocks)
        return "a free block is missing from the free lists";
    return nullptr;
}

} // namespace sel4_runtime
