// The client PD of blk.read: libs/block's stack on the virtio-blk driver, reading the disk
// image the test's build wrote (make-disk.py: 8 MiB, an MBR of two partitions, every other
// byte disk_byte()). In blk.read QEMU has the image read-only, so the device says so and the
// driver refuses writes; blk.write (the same program with BLK_READ_WRITABLE) writes to it
// with QEMU's snapshot=on. The checks run as sel4::async tasks driven from notified():
//   1. the storage information (capacity 2048 blocks, 512-byte sectors, read-only);
//   2. the MBR through a 32-block BlockCache: two partitions at the expected sectors;
//   3. all of partition 1 (4 MiB, 32 times the cache) in 3000-byte pieces: every block a
//      miss, evictions, every byte checked;
//   4. a hot set of 8 blocks of partition 0 read 40 times: hits only after the first round;
//   5. byte reads across block boundaries at scattered offsets of partition 0 (hits and
//      misses mixed) and 8 concurrent readers, 4 of them on one block (coalesced);
//   6. the whole disk read straight from the device in 64 KiB requests, every byte checked,
//      then again timed with few checks (the rates in MB/s on aarch64, from the generic
//      timer's counter);
//   7. what the driver must refuse: a block past the capacity and a read across its end
//      (the client is told the disk is larger, so the request reaches the driver), a write
//      to the read-only disk: each an error response;
//   8. (blk.write, BLK_READ_WRITABLE: QEMU's snapshot=on, the device writable, the image
//      untouched) writes through the write-back cache, write-back on eviction, the blocks
//      read back from the device, a flush, instead of the refused write;
// then the cache's statistics and the success line.
#include "disk.hpp"

#include <sel4/async/executor.hpp>
#include <sel4/async/frame_pool.hpp>
#include <sel4/async/task.hpp>
#include <sel4/block.hpp>
#include <sel4/debug.hpp>
#include <sel4/drivers/blk.hpp>
#include <sel4/drivers/blk/regions.hpp>
#include <sel4/microkit.hpp>
#include <sel4/runtime/abort.hpp>
#include <test_support/task_client.hpp>
#include <test_support/ticks.hpp>

#include <array>
#include <optional>
#include <span>

#ifndef BLK_READ_WRITABLE
#define BLK_READ_WRITABLE 0
#endif

using namespace blk_read;
namespace async = sel4::async;
namespace blk = sel4::block;
namespace mk = sel4::microkit;


namespace {

constexpr std::size_t slots = 8;
constexpr std::size_t cache_blocks = 32;
constexpr std::uint64_t pretend_extra = 16; // blocks the client believes past the end
using Device = blk::QueueBlockDevice<slots>;
using Cache = blk::BlockCache<Device, cache_blocks, block_bytes>;
using Part = blk::Partition<Cache>;

const mk::Channel driver(4); // the standard blk channel (drivers/systems.cmake)
async::FramePool<32 * 1024> frames;

[[noreturn]] void fail(const char *what, std::uint64_t detail = 0) noexcept {
    sel4::debug::println("blk-read: FAIL: {} ({:#x})", what, detail);
    sel4::debug::println("blk-read: test FAILED");
    sel4_runtime::fatal("blk-read: ", what);
}
void check(bool ok, const char *what, std::uint64_t detail = 0) noexcept {
    if (!ok)
        fail(what, detail);
}
void check(const blk::Result<void> &done, const char *what, std::uint64_t detail = 0) noexcept {
    if (!done) {
        sel4::debug::println("blk-read: {}: {}", what, blk::describe(done.error()));
        fail(what, detail);
    }
}
// Whether `bytes` are the disk's from byte `offset`.
bool same(std::span<const std::byte> bytes, std::uint64_t offset) noexcept {
    for (std::size_t i = 0; i < bytes.size(); ++i)
        if (bytes[i] != disk_byte(offset + i))
            return false;
    return true;
}

using test_support::tick_rate;
using test_support::ticks;

struct State {
    async::Executor executor;
    std::optional<Device> device;
    std::optional<Cache> cache;
    std::optional<Part> first;
    std::optional<Part> second;
    bool kick = false;
    std::array<std::byte, block_bytes> block{};
    std::array<std::byte, 3000> piece{};
    std::array<std::array<std::byte, block_bytes>, 8> parallel{};
    std::array<std::byte, 64 * 1024> big{};
};
constinit std::optional<State> state;

void request_notify(void *) noexcept { state->kick = true; }

async::Task<blk::Result<void>> read_block(Part &part, std::uint64_t block, std::span<std::byte> into) {
    co_return co_await blk::checked(part.read(block, into));
}

blk::CacheStats since(const blk::CacheStats &now, const blk::CacheStats &then) noexcept {
    return {.read_hits = now.read_hits - then.read_hits, .read_misses = now.read_misses - then.read_misses,
            .write_hits = now.write_hits - then.write_hits, .write_misses = now.write_misses - then.write_misses,
            .coalesced = now.coalesced - then.coalesced, .evictions = now.evictions - then.evictions,
            .writebacks = now.writebacks - then.writebacks};
}

async::Task<void> phases(State &s) {
    // 1. The storage information.
    const sel4::drivers::blk::Regions regions = sel4::drivers::blk::regions();
    auto shared = blk::SharedStorageInfo::attach(regions.info);
    check(shared.has_value(), "the storage information's region");
    while (!shared->ready())
        co_await s.executor.wait(driver.bit());
    const blk::StorageInfo info = shared->read();
    sel4::debug::println("blk-read: capacity {} blocks of 4096 bytes ({} MiB), sector {} bytes, block size {}, {}",
                         info.capacity, info.capacity * block_bytes / (1024 * 1024), info.sector_size,
                         info.block_size, info.read_only ? "read-only" : "read-write");
    check(info.capacity == disk_blocks, "the capacity", info.capacity);
    check(info.sector_size == 512, "the sector size", info.sector_size);
    check(info.read_only == !BLK_READ_WRITABLE, "the disk is read-only (readonly=on) or not (snapshot=on)");
    auto queues = sel4::queue::blk::QueuePair::attach(regions.requests, regions.responses,
                                                      sel4::drivers::blk::queue_capacity);
    check(queues.has_value(), "the queues do not attach");
    // The client believes the disk is larger and writable, so that phase 7's requests reach
    // the driver; everything else stays inside the partitions.
    const Device::Config config{.queues = *queues, .data = regions.data,
                                .block_count = info.capacity + pretend_extra, .read_only = false,
                                .notify = {.function = &request_notify, .context = nullptr}};
    check(Device::check(config).has_value(), "the data region does not fit the slots");
    s.device.emplace(config);
    s.cache.emplace(*s.device);
    Device &device = *s.device;
    Cache &cache = *s.cache;
    blk::CacheStats start{};
    auto phase = [&] { return since(cache.stats(), start); };

    // 2. The MBR.
    auto mbr = co_await blk::read_mbr(cache);
    if (!mbr) {
        sel4::debug::println("blk-read: MBR: {} (entry {})", blk::describe(mbr.error()), mbr.error().entry);
        fail("the MBR");
    }
    check(mbr->partitions().size() == 2 && mbr->partitions()[0] == partitions[0] &&
              mbr->partitions()[1] == partitions[1] && mbr->disk_id() == disk_id,
          "the partition table");
    auto first = Part::of(cache, mbr->partitions()[0]);
    auto second = Part::of(cache, mbr->partitions()[1]);
    check(first && first->first_block() == 256 && first->block_count() == 768, "partition 0");
    check(second && second->first_block() == 1024 && second->block_count() == 1024, "partition 1");
    s.first.emplace(*first);
    s.second.emplace(*second);
    sel4::debug::println("blk-read: MBR: partition 0 type {:#x} blocks 256..1023, partition 1 type {:#x} blocks 1024..2047",
                         mbr->partitions()[0].type, mbr->partitions()[1].type);

    // 3. All of partition 1 in 3000-byte pieces.
    start = cache.stats();
    blk::ByteReader<Part> bytes(*s.second);
    blk::SequentialReader<Part> stream(bytes);
    std::uint64_t offset = 0;
    for (;;) {
        auto n = co_await stream.read(s.piece);
        check(n.has_value(), "a sequential read", offset);
        if (*n == 0)
            break;
        check(same(std::span(s.piece).first(*n), 1024 * block_bytes + offset), "the bytes of a sequential read", offset);
        offset += *n;
    }
    check(offset == 1024 * block_bytes, "the length of partition 1", offset);
    check(phase().read_misses == 1024 && phase().evictions >= 1024 - cache_blocks, "every block a miss",
          phase().read_misses);
    sel4::debug::println("blk-read: partition 1 (4 MiB) in 3000-byte pieces: {} hits, {} misses, {} evictions",
                         phase().read_hits, phase().read_misses, phase().evictions);

    // 4. A hot set.
    start = cache.stats();
    for (int round = 0; round < 40; ++round)
        for (std::uint64_t b = 100; b < 108; ++b) {
            check(co_await s.first->read(b, s.block), "a hot read", b);
            check(same(s.block, (256 + b) * block_bytes), "the bytes of a hot read", b);
        }
    check(phase().read_misses == 8 && phase().read_hits == 312, "the hot set's hits", phase().read_hits);
    sel4::debug::println("blk-read: a hot set of 8 blocks read 40 times: {} hits, {} misses", phase().read_hits,
                         phase().read_misses);

    // 5. Scattered byte reads across block boundaries, then concurrent readers.
    start = cache.stats();
    blk::ByteReader<Part> first_bytes(*s.first);
    std::uint64_t at = 4095;
    for (int i = 0; i < 64; ++i) {
        check(co_await first_bytes.read(at, s.piece), "a byte read across blocks", at);
        check(same(s.piece, 256 * block_bytes + at), "the bytes of a byte read", at);
        at = (at * 7 + 40961) % (768 * block_bytes - s.piece.size());
    }
    check(phase().read_hits > 0 && phase().read_misses > 0, "scattered reads hit and miss", phase().read_hits);
    const std::uint64_t before = device.stats().requests;
    std::array<async::JoinHandle<blk::Result<void>>, 8> readers;
    for (std::size_t i = 0; i < readers.size(); ++i) {
        auto spawned = s.executor.spawn(read_block(*s.first, i < 4 ? 700 : 600 + i, s.parallel[i]));
        check(spawned.has_value(), "spawning a reader");
        readers[i] = std::move(*spawned);
    }
    for (std::size_t i = 0; i < readers.size(); ++i) {
        check(co_await readers[i], "a concurrent read", i);
        check(same(s.parallel[i], (256 + (i < 4 ? 700 : 600 + i)) * block_bytes), "the bytes of a concurrent read", i);
    }
    check(device.stats().requests - before == 5 && device.stats().max_in_flight >= 2, "coalesced concurrent reads",
          device.stats().requests - before);
    sel4::debug::println("blk-read: scattered and concurrent reads: {} hits, {} misses, {} coalesced, up to {} in flight",
                         phase().read_hits, phase().read_misses, phase().coalesced, device.stats().max_in_flight);

    // 6. The whole disk straight from the device, 64 KiB at a time: once with every byte
    //    checked, once only timed (the driver and the device's rate).
    for (bool checking : {true, false}) {
        const std::uint64_t t0 = ticks();
        for (std::uint64_t b = 0; b < disk_blocks; b += s.big.size() / block_bytes) {
            check(co_await device.read(b, s.big), "a 64 KiB read", b);
            const std::uint64_t from = b == 0 ? mbr_bytes : 0; // sector 0 is the MBR
            if (checking || b % 256 == 0)
                check(same(std::span(s.big).subspan(from), b * block_bytes + from), "the bytes of a 64 KiB read", b);
        }
        const std::uint64_t t1 = ticks();
        const char *what = checking ? "every byte checked" : "every 16th request checked";
        if (tick_rate() != 0 && t1 > t0) {
            const std::uint64_t us = (t1 - t0) * 1000000 / tick_rate();
            sel4::debug::println("blk-read: read 8 MiB in 64 KiB requests ({}) in {} us: {} MB/s", what, us,
                                 disk_blocks * block_bytes / (us == 0 ? 1 : us));
        } else {
            sel4::debug::println("blk-read: read 8 MiB in 64 KiB requests ({})", what);
        }
    }

    // 7. What the driver refuses: past the end, across the end; a write when read-only.
    auto past = co_await device.read(disk_blocks + 1, s.block);
    check(!past && past.error() == blk::Error::invalid_parameter, "a block past the capacity is an error response");
    auto across = co_await device.read(disk_blocks - 1, std::span(s.big).first(2 * block_bytes));
    check(!across && across.error() == blk::Error::invalid_parameter, "a read across the end is an error response");
    check(co_await device.read(disk_blocks - 1, s.block), "the last block after the refusals");
    check(same(s.block, (disk_blocks - 1) * block_bytes), "the last block's bytes");
#if BLK_READ_WRITABLE
    // 8. Writes (QEMU's snapshot=on keeps them out of the image): 20 blocks of partition 0
    //    through the write-back cache, 40 others read to evict them, the 20 read back from
    //    the device; then a write, flush (VIRTIO_BLK_T_FLUSH) and a read past the cache.
    start = cache.stats();
    for (std::uint64_t b = 10; b < 30; ++b) {
        for (std::size_t i = 0; i < block_bytes; ++i)
            s.block[i] = written_byte((256 + b) * block_bytes + i);
        check(co_await s.first->write(b, s.block), "a write", b);
    }
    for (std::uint64_t b = 0; b < 40; ++b)
        check(co_await s.second->read(b, s.block), "an evicting read", b);
    check(phase().writebacks == 20, "every dirty block written back", phase().writebacks);
    for (std::uint64_t b = 10; b < 30; ++b) {
        check(co_await device.read(256 + b, s.block), "a written block read back", b);
        for (std::size_t i = 0; i < block_bytes; ++i)
            check(s.block[i] == written_byte((256 + b) * block_bytes + i), "the written bytes", (256 + b) * block_bytes + i);
    }
    for (std::size_t i = 0; i < block_bytes; ++i)
        s.block[i] = written_byte(300 * block_bytes + i);
    check(co_await s.first->write(44, s.block), "the last write");
    check(co_await cache.flush(), "flush");
    s.block.fill(std::byte{0});
    check(co_await device.read(300, s.block), "a read past the cache");
    for (std::size_t i = 0; i < block_bytes; ++i)
        check(s.block[i] == written_byte(300 * block_bytes + i), "the flushed bytes", i);
    sel4::debug::println("blk-read: 21 blocks written, {} written back (on eviction, then by the flush), read back from the disk",
                         phase().writebacks);
    sel4::debug::println("blk-read: past the end, across the end: refused by the driver");
#else
    auto write = co_await device.write(10, s.block);
    check(!write && write.error() == blk::Error::invalid_parameter, "a write to the read-only disk is refused");
    sel4::debug::println("blk-read: past the end, across the end, a write: refused by the driver");
#endif

    const blk::CacheStats total = cache.stats();
    sel4::debug::println("blk-read: cache: {} read hits, {} read misses ({}% hits), {} coalesced, {} evictions, "
                         "{} write-backs",
                         total.read_hits, total.read_misses, total.read_hit_percent(), total.coalesced, total.evictions,
                         total.writebacks);
    sel4::debug::println("blk-read: device: {} requests, {} responses, {} bogus, up to {} in flight",
                         device.stats().requests, device.stats().responses, device.stats().bogus_responses,
                         device.stats().max_in_flight);
    sel4::debug::println("cpp-sel4: test passed");
}

test_support::TaskClient<State> make_client() { return test_support::TaskClient<State>(state, driver, &phases, &fail); }

} // namespace

SEL4_MICROKIT_PD(make_client)
