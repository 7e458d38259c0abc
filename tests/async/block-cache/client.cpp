// The client PD of async.block-cache: sel4::block's stack over the RAM disk PD's sDDF block
// queues. QueueBlockDevice (8 request slots in a 64 KiB data region) under a BlockCache of
// 16 blocks (64 KiB, write-back), the MBR read through the cache, the two partitions on the
// cache, byte reads on a partition. The checks run as tasks on sel4::async's executor,
// driven from notified(): the device's poll() completes the requests the server answered,
// then the executor runs the tasks that became ready. Requests the tasks enqueue in one run
// reach the server with one deferred notify at its end.
//
// The phases (each checks every byte it reads, and the cache's statistics where they follow
// from the phase alone):
//   1. the storage information and the MBR (through the cache);
//   2. the whole second partition (512 KiB, eight times the cache) read front to back in
//      1000-byte pieces with a SequentialReader: every block one miss, evictions;
//   3. a hot set of 4 blocks read 50 times each: hits;
//   4. 4 tasks reading one missing block at once (one device read, 3 coalesced) beside
//      4 tasks reading other blocks (several requests out at once);
//   5. 20 blocks written (more than the cache holds: dirty blocks written back as they are
//      evicted), 16 others read to evict the rest, the 20 read back from the server;
//   6. a write, flush(), and the block read past the cache, straight from the device;
//   7. byte reads across block boundaries and out-of-range requests;
// then the statistics, then the success line.
#include "disk.hpp"

#include <sel4/async/executor.hpp>
#include <sel4/async/frame_pool.hpp>
#include <sel4/async/task.hpp>
#include <sel4/block.hpp>
#include <sel4/debug.hpp>
#include <sel4/drivers/blk/regions.hpp>
#include <sel4/runtime/abort.hpp>
#include <test_support/task_client.hpp>

#include <array>
#include <optional>
#include <span>

using namespace block_cache;
namespace async = sel4::async;
namespace blk = sel4::block;


namespace {

constexpr std::size_t slots = 8;
constexpr std::size_t cache_blocks = 16;
using Device = blk::QueueBlockDevice<slots>;
using Cache = blk::BlockCache<Device, cache_blocks, block_bytes>;
using Part = blk::Partition<Cache>;

async::FramePool<32 * 1024> frames;

[[noreturn]] void fail(const char *what, std::uint64_t detail = 0) noexcept {
    sel4::debug::println("block-cache: FAIL: {} ({})", what, detail);
    sel4::debug::println("block-cache: test FAILED");
    sel4_runtime::fatal("block-cache: ", what);
}

void check(bool ok, const char *what, std::uint64_t detail = 0) noexcept {
    if (!ok)
        fail(what, detail);
}

void check(const blk::Result<void> &done, const char *what, std::uint64_t detail = 0) noexcept {
    if (!done) {
        sel4::debug::println("block-cache: {}: {}", what, blk::describe(done.error()));
        fail(what, detail);
    }
}

// The byte at `offset` of partition 0 after phases 5 and 6 wrote its blocks 10..29 and 61.
std::byte first_partition_byte(std::uint64_t offset) noexcept {
    const std::uint64_t disk = block_bytes + offset;
    const std::uint64_t block = offset / block_bytes;
    if (block >= 10 && block < 30)
        return written_byte(disk, 0);
    if (block == 61)
        return written_byte(disk, 1);
    return disk_byte(disk);
}

// Whether `bytes` are the disk's from byte `offset` (fill: disk_byte; else written_byte).
bool same(std::span<const std::byte> bytes, std::uint64_t offset, int round = -1) noexcept {
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const std::byte want = round < 0 ? disk_byte(offset + i)
                                         : written_byte(offset + i, static_cast<std::uint8_t>(round));
        if (bytes[i] != want)
            return false;
    }
    return true;
}

// The PD's state, in .bss (the handler itself lives on the PD's stack). The device and the
// cache are made once the server has published the disk's size.
struct State {
    async::Executor executor;
    std::optional<Device> device;
    std::optional<Cache> cache;
    std::optional<Part> first;  // blocks 1..63
    std::optional<Part> second; // blocks 64..191
    bool kick = false;          // requests were enqueued: notify the server when the run ends
    std::array<std::byte, block_bytes> block{};
    std::array<std::byte, 1000> piece{};
    std::array<std::array<std::byte, block_bytes>, 8> parallel{};
};
constinit std::optional<State> state;

void request_notify(void *) noexcept { state->kick = true; }

Device::Config config(std::uint64_t block_count) noexcept {
    const sel4::drivers::blk::Regions regions = sel4::drivers::blk::regions();
    auto queues = sel4::queue::blk::QueuePair::attach(regions.requests, regions.responses, queue_capacity);
    if (!queues)
        fail("the queues do not attach");
    Device::Config config{.queues = *queues, .data = regions.data, .block_count = block_count,
                          .notify = {.function = &request_notify, .context = nullptr}};
    if (auto fits = Device::check(config); !fits)
        fail("the queues and the data region do not fit the slots");
    return config;
}

blk::SharedStorageInfo storage_info() noexcept {
    auto info = blk::SharedStorageInfo::attach(sel4::drivers::blk::regions().info);
    if (!info)
        fail("the storage information does not fit its region");
    return *info;
}

// What the cache did since `then`.
blk::CacheStats since(const blk::CacheStats &now, const blk::CacheStats &then) noexcept {
    return {.read_hits = now.read_hits - then.read_hits,
            .read_misses = now.read_misses - then.read_misses,
            .write_hits = now.write_hits - then.write_hits,
            .write_misses = now.write_misses - then.write_misses,
            .coalesced = now.coalesced - then.coalesced,
            .evictions = now.evictions - then.evictions,
            .writebacks = now.writebacks - then.writebacks};
}

async::Task<blk::Result<void>> read_block(Part &part, std::uint64_t block, std::span<std::byte> into) {
    co_return co_await blk::checked(part.read(block, into));
}

async::Task<void> phases(State &s) {
    // 1. The storage information (the server may publish it after this PD started).
    const blk::SharedStorageInfo info = storage_info();
    while (!info.ready())
        co_await s.executor.wait(peer.bit());
    const blk::StorageInfo published = info.read();
    check(published.capacity == disk_blocks && published.sector_size == 512, "the storage information",
          published.capacity);
    s.device.emplace(config(published.capacity));
    s.cache.emplace(*s.device);
    Device &device = *s.device;
    Cache &cache = *s.cache;
    blk::CacheStats phase_start{};
    auto phase = [&] { return since(cache.stats(), phase_start); };

    auto mbr = co_await blk::read_mbr(cache);
    if (!mbr) {
        sel4::debug::println("block-cache: MBR: {} (entry {})", blk::describe(mbr.error()), mbr.error().entry);
        fail("the MBR");
    }
    check(mbr->partitions().size() == 2 && mbr->partitions()[0] == partitions[0] &&
              mbr->partitions()[1] == partitions[1] && mbr->disk_id() == 0xc0ffee00,
          "the partition table");
    auto first = Part::of(cache, mbr->partitions()[0]);
    auto second = Part::of(cache, mbr->partitions()[1]);
    check(first.has_value() && first->first_block() == 1 && first->block_count() == 63, "partition 0");
    check(second.has_value() && second->first_block() == 64 && second->block_count() == 128, "partition 1");
    s.first.emplace(*first);
    s.second.emplace(*second);
    sel4::debug::println("block-cache: MBR: partition 0 type {:#x} blocks 1..63, partition 1 type {:#x} blocks 64..191",
                         mbr->partitions()[0].type, mbr->partitions()[1].type);

    // 2. All of partition 1 in 1000-byte pieces: 128 misses, 113 evictions (the MBR's block
    //    and the first 15 took the free entries).
    phase_start = cache.stats();
    blk::ByteReader<Part> bytes(*s.second);
    blk::SequentialReader<Part> stream(bytes);
    std::uint64_t offset = 0;
    for (;;) {
        auto n = co_await stream.read(s.piece);
        check(n.has_value(), "a sequential read", offset);
        if (*n == 0)
            break;
        check(same(std::span(s.piece).first(*n), 64 * block_bytes + offset), "the bytes of a sequential read",
              offset);
        offset += *n;
    }
    check(offset == 128 * block_bytes, "the length of partition 1", offset);
    check(phase().read_misses == 128 && phase().evictions == 113, "the misses of the big read",
          phase().read_misses);
    const blk::CacheStats streamed = phase();
    sel4::debug::println("block-cache: read 512 KiB in 1000-byte pieces: {} hits, {} misses, {} evictions",
                         streamed.read_hits, streamed.read_misses, streamed.evictions);

    // 3. A hot set of 4 blocks (not resident), 50 rounds: 4 misses, 196 hits.
    phase_start = cache.stats();
    for (int round = 0; round < 50; ++round)
        for (std::uint64_t b = 1; b <= 4; ++b) {
            check(co_await s.first->read(b, s.block), "a hot read", b);
            check(same(s.block, (1 + b) * block_bytes), "the bytes of a hot read", b);
        }
    check(phase().read_misses == 4 && phase().read_hits == 196, "the hot set's hits",
          phase().read_hits);
    sel4::debug::println("block-cache: a hot set of 4 blocks read 50 times: {} hits, {} misses",
                         phase().read_hits, phase().read_misses);

    // 4. Four tasks read block 40 of partition 0 at once, four others blocks 41..44.
    phase_start = cache.stats();
    const std::uint64_t requests_before = device.stats().requests;
    std::array<async::JoinHandle<blk::Result<void>>, 8> readers;
    for (std::size_t i = 0; i < readers.size(); ++i) {
        auto spawned = s.executor.spawn(read_block(*s.first, i < 4 ? 40 : 37 + i, s.parallel[i]));
        check(spawned.has_value(), "spawning a reader");
        readers[i] = std::move(*spawned);
    }
    for (std::size_t i = 0; i < readers.size(); ++i) {
        check(co_await readers[i], "a concurrent read", i);
        check(same(s.parallel[i], (1 + (i < 4 ? 40 : 37 + i)) * block_bytes), "the bytes of a concurrent read", i);
    }
    const std::uint64_t parallel_requests = device.stats().requests - requests_before;
    check(parallel_requests == 5 && phase().coalesced == 3, "one device read for the shared block",
          parallel_requests);
    check(device.stats().max_in_flight >= 2, "several requests out at once", device.stats().max_in_flight);
    sel4::debug::println("block-cache: 8 concurrent readers: {} device requests, {} coalesced, up to {} in flight",
                         parallel_requests, phase().coalesced, device.stats().max_in_flight);

    // 5. 20 blocks written (10..29 of partition 0), then 16 of partition 1 read to evict the
    //    rest, then the 20 read back: they come from the server.
    phase_start = cache.stats();
    for (std::uint64_t b = 10; b < 30; ++b) {
        for (std::size_t i = 0; i < block_bytes; ++i)
            s.block[i] = written_byte((1 + b) * block_bytes + i, 0);
        check(co_await s.first->write(b, s.block), "a write", b);
    }
    check(phase().write_misses == 20 && phase().writebacks == 4, "write-back on eviction",
          phase().writebacks);
    for (std::uint64_t b = 0; b < cache_blocks; ++b)
        check(co_await s.second->read(b, s.block), "an evicting read", b);
    check(phase().writebacks == 20, "every dirty block written back", phase().writebacks);
    for (std::uint64_t b = 10; b < 30; ++b) {
        check(co_await s.first->read(b, s.block), "a read after eviction", b);
        check(same(s.block, (1 + b) * block_bytes, 0), "the bytes written, read back after eviction", b);
    }
    check(phase().read_misses == 36, "the blocks read back came from the server",
          phase().read_misses);

    // 6. A write, flush, and the block straight from the device.
    for (std::size_t i = 0; i < block_bytes; ++i)
        s.block[i] = written_byte(62 * block_bytes + i, 1);
    check(co_await s.first->write(61, s.block), "the last write");
    check(cache.dirty(62), "the written block is dirty");
    check(co_await cache.flush(), "flush");
    check(!cache.dirty(62), "flush cleans the block");
    s.block.fill(std::byte{0});
    check(co_await device.read(62, s.block), "a read past the cache");
    check(same(s.block, 62 * block_bytes, 1), "the flushed bytes on the server");

    // 7. Byte reads across block boundaries, and what is out of range.
    blk::ByteReader<Part> first_bytes(*s.first);
    for (std::uint64_t at : {4095ull, 8190ull, 10 * 4096ull - 500, 30 * 4096ull - 1, 40 * 4096ull + 17,
                             63 * 4096ull - 1000}) {
        check(co_await first_bytes.read(at, s.piece), "a byte read across blocks", at);
        for (std::size_t i = 0; i < s.piece.size(); ++i)
            check(s.piece[i] == first_partition_byte(at + i), "the bytes of a byte read", at + i);
    }
    auto beyond = co_await first_bytes.read(63 * block_bytes - 999, s.piece);
    check(!beyond && beyond.error() == blk::Error::out_of_range, "a byte read past the partition is refused");
    auto past = co_await s.second->read(128, s.block);
    check(!past && past.error() == blk::Error::out_of_range, "a block past the partition is refused");
    auto outside = co_await device.read(disk_blocks, s.block);
    check(!outside && outside.error() == blk::Error::out_of_range, "a block past the disk is refused");

    const blk::CacheStats total = cache.stats();
    sel4::debug::println("block-cache: cache: {} read hits, {} read misses ({}% hits), {} write misses, "
                         "{} coalesced, {} evictions, {} write-backs",
                         total.read_hits, total.read_misses, total.read_hit_percent(), total.write_misses,
                         total.coalesced, total.evictions, total.writebacks);
    sel4::debug::println("block-cache: device: {} requests, {} responses, {} bogus, up to {} in flight; "
                         "frame pool high water {} bytes",
                         device.stats().requests, device.stats().responses, device.stats().bogus_responses,
                         device.stats().max_in_flight, frames.stats().high_water_bytes);
    sel4::debug::println("block-cache: test passed");
}

test_support::TaskClient<State> make_client() { return test_support::TaskClient<State>(state, peer, &phases, &fail); }

} // namespace

SEL4_MICROKIT_PD(make_client)
