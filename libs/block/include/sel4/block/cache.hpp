/// @file
/// BlockCache: an LRU cache of a device's blocks, itself a BlockDevice.
///
/// Size. `Capacity` blocks of up to `BlockBytes` bytes, inside the object (no heap): a
/// BlockCache<Device, 128, 4096> is 512 KiB of blocks and a few KiB of bookkeeping; place it
/// in .bss. The device's block size must not exceed BlockBytes (every operation answers
/// Error::unsupported_block_size otherwise).
///
/// Replacement. Least recently used: every read or write of a block makes it the most
/// recent; a block that is not resident takes a free entry while there is one, else the
/// least recently used entry that no transfer holds (see Concurrency) is evicted.
///
/// Writes: write-back. A write goes to the cached block only and marks it dirty (a whole-block
/// write of a block that is not resident does not read it first). A dirty block reaches the
/// device when it is evicted, or at flush(), which writes every block that was dirty when it
/// began, in ascending block order, then flushes the device. Until then the data lives only
/// in the cache: a PD that stops without flush() loses it. An error of a write-back leaves
/// the block dirty and fails the operation that caused it (the eviction's read or write, or
/// the flush).
///
/// Concurrency (the tasks of one executor). An entry that is being read from the device
/// ("loading") belongs to that read: any other task that wants the same block waits for
/// it, and does not read the device again (stats().coalesced), and is served from the entry
/// once it is there (a hit); if the read fails, each waiter tries again with its own read.
/// An entry being written back may still be read but waits writers. When every entry is
/// held by a transfer, a task that needs room waits for one to finish. A task cancelled
/// while it waits for the device leaves nothing behind: its entry is released (a load) or
/// stays dirty (a write-back), and the tasks waiting on it carry on. The device's buffer for
/// that transfer is the entry: the device must not touch it after a cancellation (as
/// QueueBlockDevice, RamBlockDevice and Partition do).
///
/// Statistics: hits and misses per reads and writes, coalesced reads, evictions,
/// write-backs (stats()); the resident blocks in LRU order for tests (lru_order()).
#pragma once

#include <sel4/block/device.hpp>
#include <sel4/block/error.hpp>

#include <sel4/async/event.hpp>
#include <sel4/async/task.hpp>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>

namespace sel4::block {

/// What a BlockCache has done (see cache.hpp).
struct CacheStats {
    std::uint64_t read_hits = 0;    ///< Blocks read from the cache (coalesced reads included).
    std::uint64_t read_misses = 0;  ///< Blocks read from the device.
    std::uint64_t write_hits = 0;   ///< Blocks written that were resident.
    std::uint64_t write_misses = 0; ///< Blocks written that were not (an entry taken, nothing read).
    std::uint64_t coalesced = 0;    ///< Reads that waited for another task's read of the same block.
    std::uint64_t evictions = 0;    ///< Resident blocks dropped to make room.
    std::uint64_t writebacks = 0;   ///< Dirty blocks written to the device.

    /// All hits.
    constexpr std::uint64_t hits() const noexcept { return read_hits + write_hits; }
    /// All misses.
    constexpr std::uint64_t misses() const noexcept { return read_misses + write_misses; }
    /// Read hits in percent of block reads (0 when there were none).
    constexpr unsigned read_hit_percent() const noexcept {
        const std::uint64_t reads = read_hits + read_misses;
        return reads == 0 ? 0 : static_cast<unsigned>(read_hits * 100 / reads);
    }
};

/// An LRU block cache over `Device` (see cache.hpp). Not copyable or movable (waiting tasks
/// refer to its entries); refers to the device, which must outlive it.
template <BlockDevice Device, std::size_t Capacity, std::size_t BlockBytes = 4096> class BlockCache {
    static_assert(Capacity >= 1 && Capacity < 0xffff, "1 to 65534 entries");
    static_assert(BlockBytes >= 1);

public:
    /// A cache of `device`, empty.
    explicit BlockCache(Device &device) noexcept : device_(device) {
        for (Index i = 0; i < Capacity; ++i)
            entries_[i].next = std::size_t{i} + 1 < Capacity ? static_cast<Index>(i + 1) : none;
        free_ = 0;
        buckets_.fill(none);
    }
    BlockCache(const BlockCache &) = delete;
    BlockCache &operator=(const BlockCache &) = delete;

    /// The number of entries.
    static constexpr std::size_t capacity() noexcept { return Capacity; }
    /// The device's block size.
    std::size_t block_size() const noexcept { return device_.block_size(); }
    /// The device's number of blocks.
    std::uint64_t block_count() const noexcept { return device_.block_count(); }
    /// The device.
    Device &device() const noexcept { return device_; }

    /// Reads the blocks from `first` into `buffer`, each from the cache or, when it is not
    /// resident, from the device into the cache.
    async::Task<Result<void>> read(std::uint64_t first, std::span<std::byte> buffer) {
        if (auto checked = check(first, buffer.size()); !checked)
            co_return std::unexpected(checked.error());
        const std::size_t size = block_size();
        for (std::size_t done = 0; done < buffer.size(); done += size, ++first) {
            auto entry = co_await checked_entry(first, Access::read);
            if (!entry)
                co_return std::unexpected(entry.error());
            std::memcpy(buffer.data() + done, data(*entry), size);
        }
        co_return Result<void>{};
    }

    /// Bytes `offset` to `offset + buffer.size()` of block `block` (within the block), through
    /// the cache as read() does.
    async::Task<Result<void>> read_part(std::uint64_t block, std::size_t offset, std::span<std::byte> buffer) {
        if (block_size() > BlockBytes)
            co_return std::unexpected(Error::unsupported_block_size);
        if (block >= block_count() || offset > block_size() || buffer.size() > block_size() - offset)
            co_return std::unexpected(Error::out_of_range);
        auto entry = co_await checked_entry(block, Access::read);
        if (!entry)
            co_return std::unexpected(entry.error());
        std::memcpy(buffer.data(), data(*entry) + offset, buffer.size());
        co_return Result<void>{};
    }

    /// Writes `data` into the cached blocks from `first`, which become dirty (write-back:
    /// see cache.hpp). May write back evicted blocks.
    async::Task<Result<void>> write(std::uint64_t first, std::span<const std::byte> bytes) {
        if (auto checked = check(first, bytes.size()); !checked)
            co_return std::unexpected(checked.error());
        const std::size_t size = block_size();
        for (std::size_t done = 0; done < bytes.size(); done += size, ++first) {
            auto entry = co_await checked_entry(first, Access::write);
            if (!entry)
                co_return std::unexpected(entry.error());
            std::memcpy(data(*entry), bytes.data() + done, size);
            Entry &e = entries_[*entry];
            if (e.state != State::dirty) {
                e.state = State::dirty;
                e.dirty_since = ++generation_;
            }
        }
        co_return Result<void>{};
    }

    /// Writes back every block that was dirty when the flush began (ascending block order),
    /// waiting for write-backs already under way, then flushes the device.
    async::Task<Result<void>> flush() {
        if (block_size() > BlockBytes)
            co_return std::unexpected(Error::unsupported_block_size);
        const std::uint64_t began = generation_;
        for (;;) {
            Index next = none;
            Index busy = none;
            for (Index i = 0; i < Capacity; ++i) {
                const Entry &e = entries_[i];
                if (e.dirty_since > began || (e.state != State::dirty && e.state != State::writing))
                    continue;
                if (e.state == State::writing)
                    busy = i;
                else if (next == none || e.block < entries_[next].block)
                    next = i;
            }
            if (next != none) {
                if (auto written = co_await checked(write_back(next)); !written)
                    co_return written;
            } else if (busy != none) {
                co_await entries_[busy].changed.wait();
            } else {
                break;
            }
        }
        co_return co_await checked(device_.flush());
    }

    /// What the cache has done.
    const CacheStats &stats() const noexcept { return stats_; }
    /// Starts the statistics again from zero.
    void reset_stats() noexcept { stats_ = {}; }

    /// Whether `block` is resident (being loaded included), without touching it.
    bool resident(std::uint64_t block) const noexcept { return find(block) != none; }
    /// Whether `block` is resident and dirty (or being written back).
    bool dirty(std::uint64_t block) const noexcept {
        const Index i = find(block);
        return i != none && (entries_[i].state == State::dirty || entries_[i].state == State::writing);
    }
    /// The number of resident blocks (never more than capacity()).
    std::size_t resident_count() const noexcept { return resident_; }
    /// Writes the resident blocks into `out`, most recently used first, as many as fit;
    /// returns how many there are.
    std::size_t lru_order(std::span<std::uint64_t> out) const noexcept {
        std::size_t n = 0;
        for (Index i = lru_head_; i != none; i = entries_[i].next, ++n)
            if (n < out.size())
                out[n] = entries_[i].block;
        return n;
    }

private:
    using Index = std::uint16_t;
    static constexpr Index none = 0xffff;
    static constexpr std::size_t bucket_count = std::bit_ceil(2 * Capacity);

    enum class State : std::uint8_t {
        free,    // in the free list
        loading, // a task reads it from the device; the others wait
        clean,   // the device's data
        dirty,   // written, not yet on the device
        writing, // being written back: readable, writers wait
    };
    enum class Access : std::uint8_t { read, write };

    struct Entry {
        std::uint64_t block = 0;
        std::uint64_t dirty_since = 0; // the generation in which it became dirty
        Index prev = none;             // LRU list (towards the most recent), or unused
        Index next = none;             // LRU list (towards the least recent), or the free list
        Index hash_next = none;        // the bucket's chain
        State state = State::free;
        async::WaitQueue changed; // tasks waiting for it to leave loading / writing
    };

    Result<void> check(std::uint64_t first, std::size_t bytes) const noexcept {
        if (block_size() > BlockBytes)
            return std::unexpected(Error::unsupported_block_size);
        if (auto blocks = check_blocks(block_size(), block_count(), first, bytes); !blocks)
            return std::unexpected(blocks.error());
        return {};
    }

    std::byte *data(Index i) noexcept { return storage_.data() + std::size_t{i} * BlockBytes; }
    std::span<std::byte> block_span(Index i) noexcept { return {data(i), block_size()}; }

    static std::size_t bucket(std::uint64_t block) noexcept {
        // Fibonacci hashing: the top bits of the product (bucket_count >= 2).
        constexpr unsigned shift = 64 - std::countr_zero(bucket_count);
        return static_cast<std::size_t>((block * 0x9e3779b97f4a7c15ull) >> shift);
    }
    Index find(std::uint64_t block) const noexcept {
        for (Index i = buckets_[bucket(block)]; i != none; i = entries_[i].hash_next)
            if (entries_[i].block == block)
                return i;
        return none;
    }
    void hash_insert(Index i) noexcept {
        Index &head = buckets_[bucket(entries_[i].block)];
        entries_[i].hash_next = head;
        head = i;
    }
    void hash_remove(Index i) noexcept {
        for (Index *at = &buckets_[bucket(entries_[i].block)]; *at != none; at = &entries_[*at].hash_next)
            if (*at == i) {
                *at = entries_[i].hash_next;
                entries_[i].hash_next = none;
                return;
            }
    }
    void lru_unlink(Index i) noexcept {
        Entry &e = entries_[i];
        (e.prev == none ? lru_head_ : entries_[e.prev].next) = e.next;
        (e.next == none ? lru_tail_ : entries_[e.next].prev) = e.prev;
        e.prev = e.next = none;
    }
    void lru_push_front(Index i) noexcept {
        Entry &e = entries_[i];
        e.prev = none;
        e.next = lru_head_;
        (lru_head_ == none ? lru_tail_ : entries_[lru_head_].prev) = i;
        lru_head_ = i;
    }
    void touch(Index i) noexcept {
        if (lru_head_ != i) {
            lru_unlink(i);
            lru_push_front(i);
        }
    }
    // The least recently used entry that no transfer holds, or none.
    Index victim() const noexcept {
        for (Index i = lru_tail_; i != none; i = entries_[i].prev)
            if (entries_[i].state == State::clean || entries_[i].state == State::dirty)
                return i;
        return none;
    }
    // Drops resident entry `i` (to the free list) and tells its waiters.
    void release(Index i) noexcept {
        hash_remove(i);
        lru_unlink(i);
        --resident_;
        Entry &e = entries_[i];
        e.state = State::free;
        e.dirty_since = 0;
        e.next = free_;
        free_ = i;
        e.changed.notify_all();
        room_.notify_all();
    }

    // Marks a loading entry abandoned when its task is cancelled during the device's read.
    struct LoadGuard {
        BlockCache *cache;
        Index index;
        ~LoadGuard() {
            if (cache != nullptr)
                cache->release(index);
        }
    };
    // Puts a written-back entry back to dirty when its task is cancelled during the write.
    struct WriteGuard {
        BlockCache *cache;
        Index index;
        ~WriteGuard() {
            if (cache != nullptr)
                cache->end_write_back(index, false);
        }
    };
    void end_write_back(Index i, bool written) noexcept {
        Entry &e = entries_[i];
        if (written) {
            e.state = State::clean;
            e.dirty_since = 0;
        } else {
            e.state = State::dirty;
        }
        e.changed.notify_all();
        room_.notify_all();
    }

    async::Task<Result<void>> write_back(Index i) {
        Entry &e = entries_[i];
        e.state = State::writing;
        WriteGuard guard{this, i};
        auto written = co_await checked(device_.write(e.block, block_span(i)));
        guard.cache = nullptr;
        end_write_back(i, written.has_value());
        if (written)
            ++stats_.writebacks;
        co_return written;
    }

    // The entry of `block`, resident and ready for `access` when the task resumes (it runs on
    // at once: nothing else runs between this coroutine's end and its caller's next step).
    async::Task<Result<Index>> entry(std::uint64_t block, Access access) {
        bool waited_for_load = false;
        for (;;) {
            if (const Index i = find(block); i != none) {
                Entry &e = entries_[i];
                if (e.state == State::loading || (access == Access::write && e.state == State::writing)) {
                    waited_for_load = waited_for_load || e.state == State::loading;
                    co_await e.changed.wait();
                    continue;
                }
                touch(i);
                if (access == Access::read) {
                    ++stats_.read_hits;
                    stats_.coalesced += waited_for_load ? 1 : 0;
                } else {
                    ++stats_.write_hits;
                }
                co_return i;
            }
            Index i = free_;
            if (i != none) {
                free_ = entries_[i].next;
                ++resident_;
            } else {
                i = victim();
                if (i == none) { // every entry is held by a transfer
                    co_await room_.wait();
                    continue;
                }
                if (entries_[i].state == State::dirty) {
                    if (auto written = co_await checked(write_back(i)); !written)
                        co_return std::unexpected(written.error());
                    continue; // the world may have moved on while it was written
                }
                hash_remove(i);
                lru_unlink(i);
                ++stats_.evictions;
            }
            Entry &e = entries_[i];
            e.block = block;
            e.dirty_since = 0;
            hash_insert(i);
            lru_push_front(i);
            if (access == Access::write) {
                e.state = State::clean; // the caller fills it and marks it dirty
                ++stats_.write_misses;
                co_return i;
            }
            e.state = State::loading;
            LoadGuard guard{this, i};
            auto loaded = co_await checked(device_.read(block, block_span(i)));
            guard.cache = nullptr;
            if (!loaded) {
                release(i);
                co_return std::unexpected(loaded.error());
            }
            e.state = State::clean;
            ++stats_.read_misses;
            e.changed.notify_all();
            room_.notify_all();
            co_return i;
        }
    }
    auto checked_entry(std::uint64_t block, Access access) { return checked(entry(block, access)); }

    Device &device_;
    std::uint64_t generation_ = 0;
    Index lru_head_ = none;
    Index lru_tail_ = none;
    Index free_ = none;
    std::size_t resident_ = 0;
    CacheStats stats_;
    std::array<Index, bucket_count> buckets_;
    std::array<Entry, Capacity> entries_;
    async::WaitQueue room_;
    alignas(64) std::array<std::byte, Capacity * BlockBytes> storage_;
};

} // namespace sel4::block
