// BlockCache: random reads, writes, partial reads and flushes over a RAM device against a
// model of an LRU write-back cache (the data, the LRU order, the bound, the statistics and
// what reaches the device when), and the concurrent cases: readers of one missing block
// sharing one device read, a failed or cancelled load, every entry busy, write-back errors,
// and a flush with writes going on.
#include "support.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <list>
#include <map>
#include <random>
#include <set>
#include <vector>

namespace {

using namespace block_test;
using blk::Error;

class Cache : public Fixture {};

// An LRU write-back cache as a list and a set, and the device beneath it as bytes.
class Model {
public:
    Model(std::size_t capacity, std::size_t block_size, std::vector<std::byte> disk)
        : capacity_(capacity), block_size_(block_size), logical_(disk), device_(std::move(disk)) {}

    void read(std::uint64_t block) { access(block, false); }
    void write(std::uint64_t block, std::span<const std::byte> data) {
        access(block, true);
        std::memcpy(logical_.data() + block * block_size_, data.data(), block_size_);
        dirty_.insert(block);
    }
    void flush() {
        for (std::uint64_t block : dirty_) {
            copy_back(block);
            ++stats.writebacks;
        }
        dirty_.clear();
    }

    std::vector<std::uint64_t> lru() const { return {lru_.begin(), lru_.end()}; }
    const std::vector<std::byte> &logical() const { return logical_; }
    const std::vector<std::byte> &device() const { return device_; }
    bool dirty(std::uint64_t block) const { return dirty_.contains(block); }
    blk::CacheStats stats;

private:
    void access(std::uint64_t block, bool write) {
        if (auto at = std::find(lru_.begin(), lru_.end(), block); at != lru_.end()) {
            lru_.erase(at);
            lru_.push_front(block);
            ++(write ? stats.write_hits : stats.read_hits);
            return;
        }
        if (lru_.size() == capacity_) {
            const std::uint64_t victim = lru_.back();
            lru_.pop_back();
            if (dirty_.erase(victim) != 0) {
                copy_back(victim);
                ++stats.writebacks;
            }
            ++stats.evictions;
        }
        lru_.push_front(block);
        ++(write ? stats.write_misses : stats.read_misses);
    }
    void copy_back(std::uint64_t block) {
        std::memcpy(device_.data() + block * block_size_, logical_.data() + block * block_size_, block_size_);
    }

    std::size_t capacity_;
    std::size_t block_size_;
    std::list<std::uint64_t> lru_;
    std::set<std::uint64_t> dirty_;
    std::vector<std::byte> logical_;
    std::vector<std::byte> device_;
};

void expect_same_stats(const blk::CacheStats &got, const blk::CacheStats &want, int step) {
    EXPECT_EQ(got.read_hits, want.read_hits) << "step " << step;
    EXPECT_EQ(got.read_misses, want.read_misses) << "step " << step;
    EXPECT_EQ(got.write_hits, want.write_hits) << "step " << step;
    EXPECT_EQ(got.write_misses, want.write_misses) << "step " << step;
    EXPECT_EQ(got.evictions, want.evictions) << "step " << step;
    EXPECT_EQ(got.writebacks, want.writebacks) << "step " << step;
    EXPECT_EQ(got.coalesced, 0u);
}

// Thousands of random operations (a hot set of blocks and the rest), checked step by step.
class CacheModel : public Cache, public testing::WithParamInterface<unsigned> {};

TEST_P(CacheModel, MatchesTheModel) {
    constexpr std::size_t block_size = 64;
    constexpr std::size_t blocks = 96;
    constexpr std::size_t capacity = 8;
    std::vector<std::byte> disk(blocks * block_size);
    fill(disk, 0, GetParam());
    Model model(capacity, block_size, disk);
    blk::RamBlockDevice ram(disk, block_size);
    blk::BlockCache<blk::RamBlockDevice, capacity, block_size> cache(ram);
    std::mt19937 random(GetParam());
    auto pick = [&]() -> std::uint64_t {
        return random() % 3 == 0 ? random() % blocks : random() % 12; // a hot set of 12
    };
    std::vector<std::byte> buffer(3 * block_size);
    std::uint64_t device_reads = 0;
    std::uint32_t stamp = 0;
    for (int step = 0; step < 4000; ++step) {
        const unsigned op = random() % 100;
        if (op < 50) { // read 1..3 blocks
            const std::uint64_t first = std::min<std::uint64_t>(pick(), blocks - 3);
            const std::size_t count = 1 + random() % 3;
            auto span = std::span(buffer).first(count * block_size);
            ASSERT_TRUE(run(cache.read(first, span)).has_value()) << step;
            for (std::size_t i = 0; i < count; ++i)
                model.read(first + i);
            ASSERT_TRUE(std::equal(span.begin(), span.end(), model.logical().begin() + first * block_size)) << step;
        } else if (op < 60) { // a few bytes of one block
            const std::uint64_t block = pick();
            const std::size_t offset = random() % block_size;
            const std::size_t length = random() % (block_size - offset + 1);
            auto span = std::span(buffer).first(length);
            ASSERT_TRUE(run(cache.read_part(block, offset, span)).has_value()) << step;
            model.read(block);
            ASSERT_TRUE(std::equal(span.begin(), span.end(),
                                   model.logical().begin() + block * block_size + offset))
                << step;
        } else if (op < 95) { // write 1..2 blocks
            const std::uint64_t first = std::min<std::uint64_t>(pick(), blocks - 2);
            const std::size_t count = 1 + random() % 2;
            auto span = std::span(buffer).first(count * block_size);
            fill(span, first * block_size, 1000 + ++stamp);
            ASSERT_TRUE(run(cache.write(first, span)).has_value()) << step;
            for (std::size_t i = 0; i < count; ++i)
                model.write(first + i, span.subspan(i * block_size, block_size));
        } else {
            ASSERT_TRUE(run(cache.flush()).has_value()) << step;
            model.flush();
        }
        device_reads = model.stats.read_misses;
        ASSERT_LE(cache.resident_count(), capacity);
        std::array<std::uint64_t, capacity> order{};
        const std::size_t n = cache.lru_order(order);
        ASSERT_EQ(n, cache.resident_count());
        ASSERT_EQ(std::vector<std::uint64_t>(order.begin(), order.begin() + n), model.lru()) << "step " << step;
        ASSERT_TRUE(std::equal(disk.begin(), disk.end(), model.device().begin()))
            << "the device holds what a write-back cache has written back, step " << step;
        expect_same_stats(cache.stats(), model.stats, step);
        ASSERT_EQ(ram.blocks_read(), device_reads) << "one device read per miss, step " << step;
        if (testing::Test::HasFailure())
            return;
    }
    // At the end everything reaches the device.
    ASSERT_TRUE(run(cache.flush()).has_value());
    model.flush();
    EXPECT_EQ(disk, model.logical());
    EXPECT_GT(cache.stats().read_hits, 1000u);
    EXPECT_GT(cache.stats().evictions, 500u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, CacheModel, testing::Values(1u, 2u, 3u, 42u));

TEST_F(Cache, EvictsTheLeastRecentlyUsed) {
    std::vector<std::byte> disk(16 * 512);
    fill(disk);
    blk::RamBlockDevice ram(disk, 512);
    blk::BlockCache<blk::RamBlockDevice, 3, 512> cache(ram);
    std::vector<std::byte> b(512);
    for (std::uint64_t block : {1, 2, 3})
        ASSERT_TRUE(run(cache.read(block, b)).has_value());
    ASSERT_TRUE(run(cache.read(1, b)).has_value()); // 1 is now the most recent: 2 goes next
    ASSERT_TRUE(run(cache.read(4, b)).has_value());
    EXPECT_FALSE(cache.resident(2));
    EXPECT_TRUE(cache.resident(1));
    EXPECT_TRUE(cache.resident(3));
    std::array<std::uint64_t, 3> order{};
    ASSERT_EQ(cache.lru_order(order), 3u);
    EXPECT_EQ(order, (std::array<std::uint64_t, 3>{4, 1, 3}));
    EXPECT_EQ(cache.stats().evictions, 1u);
    EXPECT_EQ(cache.stats().read_hits, 1u);
    EXPECT_EQ(cache.stats().read_misses, 4u);
    EXPECT_EQ(cache.stats().read_hit_percent(), 20u);
}

TEST_F(Cache, WriteBackOnEvictionAndFlush) {
    std::vector<std::byte> disk(16 * 512);
    fill(disk);
    const std::vector<std::byte> original = disk;
    blk::RamBlockDevice ram(disk, 512);
    blk::BlockCache<blk::RamBlockDevice, 2, 512> cache(ram);
    std::vector<std::byte> data(512, std::byte{0xab});
    ASSERT_TRUE(run(cache.write(5, data)).has_value());
    EXPECT_EQ(ram.reads(), 0u) << "a whole-block write of a missing block does not read it";
    EXPECT_EQ(ram.writes(), 0u);
    EXPECT_TRUE(cache.dirty(5));
    EXPECT_EQ(disk, original);
    std::vector<std::byte> got(512);
    ASSERT_TRUE(run(cache.read(5, got)).has_value());
    EXPECT_EQ(got, data) << "the cache serves its own writes";
    ASSERT_TRUE(run(cache.read(6, got)).has_value());
    ASSERT_TRUE(run(cache.read(7, got)).has_value()); // evicts 5: written back
    EXPECT_FALSE(cache.resident(5));
    EXPECT_EQ(ram.writes(), 1u);
    EXPECT_EQ(disk[5 * 512], std::byte{0xab});
    ASSERT_TRUE(run(cache.read(5, got)).has_value()); // read back after the eviction
    EXPECT_EQ(got, data);
    ASSERT_TRUE(run(cache.write(6, data)).has_value());
    ASSERT_TRUE(run(cache.flush()).has_value());
    EXPECT_EQ(disk[6 * 512], std::byte{0xab});
    EXPECT_FALSE(cache.dirty(6));
    EXPECT_EQ(ram.flushes(), 1u);
    ASSERT_TRUE(run(cache.flush()).has_value());
    EXPECT_EQ(ram.writes(), 2u) << "a clean cache writes nothing";
    EXPECT_EQ(cache.stats().writebacks, 2u);
}

TEST_F(Cache, RefusesWhatTheDeviceWould) {
    std::vector<std::byte> disk(8 * 512);
    blk::RamBlockDevice ram(disk, 512);
    blk::BlockCache<blk::RamBlockDevice, 2, 512> cache(ram);
    std::vector<std::byte> b(1024);
    EXPECT_EQ(run(cache.read(7, b)).error(), Error::out_of_range);
    EXPECT_EQ(run(cache.write(0, std::span(b).first(3))).error(), Error::not_whole_blocks);
    EXPECT_EQ(run(cache.read_part(8, 0, std::span(b).first(1))).error(), Error::out_of_range);
    EXPECT_EQ(cache.resident_count(), 0u);
    ram.set_read_only(true);
    std::vector<std::byte> one(512);
    ASSERT_TRUE(run(cache.write(1, one)).has_value()); // write-back: accepted into the cache
    EXPECT_EQ(run(cache.flush()).error(), Error::read_only);
    EXPECT_TRUE(cache.dirty(1)) << "a failed write-back leaves the block dirty";
    ram.set_read_only(false);
    EXPECT_TRUE(run(cache.flush()).has_value());
    EXPECT_FALSE(cache.dirty(1));
}

TEST_F(Cache, RefusesBlocksLargerThanItsEntries) {
    std::vector<std::byte> disk(8 * 1024);
    blk::RamBlockDevice ram(disk, 1024);
    blk::BlockCache<blk::RamBlockDevice, 2, 512> cache(ram);
    std::vector<std::byte> b(1024);
    EXPECT_EQ(run(cache.read(0, b)).error(), Error::unsupported_block_size);
    EXPECT_EQ(run(cache.write(0, b)).error(), Error::unsupported_block_size);
    EXPECT_EQ(run(cache.read_part(0, 0, std::span(b).first(1))).error(), Error::unsupported_block_size);
    EXPECT_EQ(run(cache.flush()).error(), Error::unsupported_block_size);
}

// Three tasks read the same missing block: one device read, the others wait for it.
TEST_F(Cache, ConcurrentReadersOfAMissingBlockShareOneDeviceRead) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    GatedDevice device(disk, 512);
    blk::BlockCache<GatedDevice, 4, 512> cache(device);
    std::array<std::vector<std::byte>, 3> out;
    std::vector<async::JoinHandle<blk::Result<void>>> readers;
    for (auto &o : out) {
        o.resize(512);
        readers.push_back(*executor.spawn(cache.read(3, o)));
    }
    executor.run_until_stalled();
    EXPECT_EQ(device.started_reads, 1);
    EXPECT_EQ(device.waiting(), 1u);
    device.open();
    executor.run_until_stalled();
    for (std::size_t i = 0; i < readers.size(); ++i) {
        ASSERT_TRUE(readers[i].done());
        EXPECT_TRUE(readers[i].take().has_value());
        EXPECT_TRUE(std::equal(out[i].begin(), out[i].end(), disk.begin() + 3 * 512));
    }
    EXPECT_EQ(device.started_reads, 1);
    EXPECT_EQ(cache.stats().read_misses, 1u);
    EXPECT_EQ(cache.stats().read_hits, 2u);
    EXPECT_EQ(cache.stats().coalesced, 2u);
}

TEST_F(Cache, WaitingReadersTryAgainWhenTheLoadFails) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    GatedDevice device(disk, 512);
    blk::BlockCache<GatedDevice, 4, 512> cache(device);
    std::vector<std::byte> a(512), b(512);
    auto first = *executor.spawn(cache.read(2, a));
    auto second = *executor.spawn(cache.read(2, b));
    executor.run_until_stalled();
    device.fail_next = true;
    device.open();
    executor.run_until_stalled();
    ASSERT_TRUE(first.done());
    EXPECT_EQ(first.take().error(), Error::io);
    EXPECT_FALSE(second.done()) << "the second reader reads for itself";
    EXPECT_EQ(device.started_reads, 2);
    device.open();
    executor.run_until_stalled();
    ASSERT_TRUE(second.done());
    EXPECT_TRUE(second.take().has_value());
    EXPECT_TRUE(std::equal(b.begin(), b.end(), disk.begin() + 2 * 512));
    EXPECT_EQ(cache.resident_count(), 1u);
}

TEST_F(Cache, ACancelledLoadLeavesNothingBehind) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    GatedDevice device(disk, 512);
    blk::BlockCache<GatedDevice, 4, 512> cache(device);
    std::vector<std::byte> a(512), b(512);
    auto loader = *executor.spawn(cache.read(6, a));
    auto waiter = *executor.spawn(cache.read(6, b));
    executor.run_until_stalled();
    loader.cancel();
    EXPECT_EQ(device.waiting(), 0u) << "the cancelled read's wait is gone";
    executor.run_until_stalled();
    EXPECT_EQ(device.started_reads, 2) << "the waiter reads for itself";
    device.open();
    executor.run_until_stalled();
    ASSERT_TRUE(waiter.done());
    EXPECT_TRUE(waiter.take().has_value());
    EXPECT_TRUE(std::equal(b.begin(), b.end(), disk.begin() + 6 * 512));
    EXPECT_EQ(cache.resident_count(), 1u);
    EXPECT_TRUE(std::all_of(a.begin(), a.end(), [](std::byte x) { return x == std::byte{0}; }));
}

TEST_F(Cache, WaitsForRoomWhenEveryEntryIsLoading) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    GatedDevice device(disk, 512);
    blk::BlockCache<GatedDevice, 2, 512> cache(device);
    std::array<std::vector<std::byte>, 3> out;
    std::vector<async::JoinHandle<blk::Result<void>>> readers;
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].resize(512);
        readers.push_back(*executor.spawn(cache.read(i, out[i])));
    }
    executor.run_until_stalled();
    EXPECT_EQ(device.started_reads, 2) << "the third waits for an entry";
    EXPECT_EQ(cache.resident_count(), 2u);
    while (!std::all_of(readers.begin(), readers.end(), [](auto &r) { return r.done(); })) {
        ASSERT_GT(device.open(), 0u);
        executor.run_until_stalled();
    }
    for (std::size_t i = 0; i < readers.size(); ++i) {
        EXPECT_TRUE(readers[i].take().has_value());
        EXPECT_TRUE(std::equal(out[i].begin(), out[i].end(), disk.begin() + static_cast<std::ptrdiff_t>(i * 512)));
    }
    EXPECT_EQ(device.started_reads, 3);
    EXPECT_LE(cache.resident_count(), 2u);
}

TEST_F(Cache, AFailedWriteBackFailsTheEvictionAndKeepsTheBlock) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    GatedDevice device(disk, 512);
    blk::BlockCache<GatedDevice, 1, 512> cache(device);
    std::vector<std::byte> data(512, std::byte{0x11}), got(512);
    ASSERT_TRUE(run(cache.write(0, data)).has_value());
    device.fail_next = true;
    EXPECT_EQ(run(cache.read(1, got), [&] { device.open(); }).error(), Error::io);
    EXPECT_TRUE(cache.dirty(0));
    EXPECT_FALSE(cache.resident(1));
    EXPECT_TRUE(run(cache.read(1, got), [&] { device.open(); }).has_value());
    EXPECT_EQ(disk[0], std::byte{0x11});
    EXPECT_TRUE(std::equal(got.begin(), got.end(), disk.begin() + 512));
}

TEST_F(Cache, ReadersAreServedAndWritersWaitDuringAWriteBack) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    GatedDevice device(disk, 512);
    blk::BlockCache<GatedDevice, 4, 512> cache(device);
    std::vector<std::byte> first(512, std::byte{0x01}), second(512, std::byte{0x02}), got(512);
    ASSERT_TRUE(run(cache.write(3, first)).has_value());
    auto flusher = *executor.spawn(cache.flush());
    executor.run_until_stalled();
    ASSERT_EQ(device.started_writes, 1);
    auto reader = *executor.spawn(cache.read(3, got));
    auto writer = *executor.spawn(cache.write(3, second));
    executor.run_until_stalled();
    ASSERT_TRUE(reader.done()) << "a block being written back can be read";
    EXPECT_TRUE(reader.take().has_value());
    EXPECT_EQ(got, first);
    EXPECT_FALSE(writer.done()) << "but not written";
    device.open();
    executor.run_until_stalled();
    ASSERT_TRUE(flusher.done());
    EXPECT_TRUE(flusher.take().has_value());
    ASSERT_TRUE(writer.done());
    EXPECT_TRUE(writer.take().has_value());
    EXPECT_EQ(disk[3 * 512], std::byte{0x01}) << "the flush wrote what was there when it began";
    EXPECT_TRUE(cache.dirty(3));
    ASSERT_TRUE(run(cache.read(3, got)).has_value());
    EXPECT_EQ(got, second);
}

// A flush writes what was dirty when it began; blocks dirtied while it runs wait for the next.
TEST_F(Cache, FlushCoversTheWritesBeforeIt) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    GatedDevice device(disk, 512);
    blk::BlockCache<GatedDevice, 4, 512> cache(device);
    std::vector<std::byte> data(512, std::byte{0x77});
    ASSERT_TRUE(run(cache.write(1, data)).has_value());
    ASSERT_TRUE(run(cache.write(2, data)).has_value());
    auto flusher = *executor.spawn(cache.flush());
    executor.run_until_stalled(); // writing back block 1
    ASSERT_TRUE(run(cache.write(0, data)).has_value()); // a new dirty block, not written by this flush
    while (!flusher.done()) {
        device.open();
        executor.run_until_stalled();
    }
    EXPECT_TRUE(flusher.take().has_value());
    EXPECT_EQ(device.started_writes, 2);
    EXPECT_FALSE(cache.dirty(1));
    EXPECT_FALSE(cache.dirty(2));
    EXPECT_TRUE(cache.dirty(0));
    EXPECT_EQ(disk[512], std::byte{0x77});
    EXPECT_EQ(disk[1024], std::byte{0x77});
    EXPECT_NE(disk[0], std::byte{0x77});
}

} // namespace
