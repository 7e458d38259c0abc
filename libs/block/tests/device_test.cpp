// The device layer: check_blocks, RamBlockDevice, checked() when frames run out, Partition's
// bounds (and partitions from an MBR read off a device), ByteReader across block boundaries
// (with its bounce buffer and through the cache's read_part) and SequentialReader.
#include "support.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

namespace {

using namespace block_test;
using blk::Error;

class Device : public Fixture {};

TEST(CheckBlocks, WholeBlocksInRange) {
    EXPECT_EQ(blk::check_blocks(512, 8, 0, 4096).value(), 8u);
    EXPECT_EQ(blk::check_blocks(512, 8, 7, 512).value(), 1u);
    EXPECT_EQ(blk::check_blocks(512, 8, 8, 0).value(), 0u); // an empty request at the end
    EXPECT_EQ(blk::check_blocks(512, 8, 0, 100).error(), Error::not_whole_blocks);
    EXPECT_EQ(blk::check_blocks(512, 8, 8, 512).error(), Error::out_of_range);
    EXPECT_EQ(blk::check_blocks(512, 8, 9, 0).error(), Error::out_of_range);
    EXPECT_EQ(blk::check_blocks(512, 8, ~std::uint64_t{0}, 512).error(), Error::out_of_range); // no overflow
    EXPECT_EQ(blk::check_blocks(0, 8, 0, 0).error(), Error::not_whole_blocks);
}

TEST_F(Device, RamReadsWritesAndChecks) {
    std::vector<std::byte> disk(16 * 512);
    fill(disk);
    blk::RamBlockDevice ram(disk, 512);
    EXPECT_EQ(ram.block_count(), 16u);
    std::vector<std::byte> buffer(1024);
    ASSERT_TRUE(run(ram.read(3, buffer)).has_value());
    EXPECT_TRUE(std::equal(buffer.begin(), buffer.end(), disk.begin() + 3 * 512));
    std::vector<std::byte> data(512, std::byte{0x5a});
    ASSERT_TRUE(run(ram.write(15, data)).has_value());
    EXPECT_EQ(disk[15 * 512 + 7], std::byte{0x5a});
    EXPECT_EQ(run(ram.read(15, buffer)).error(), Error::out_of_range);
    EXPECT_EQ(run(ram.read(0, std::span(buffer).first(100))).error(), Error::not_whole_blocks);
    ram.set_read_only(true);
    EXPECT_EQ(run(ram.write(0, data)).error(), Error::read_only);
    EXPECT_EQ(ram.reads(), 1u);
    EXPECT_EQ(ram.writes(), 1u);
}

TEST_F(Device, CheckedTurnsAnEmptyTaskIntoAnError) {
    auto outer = []() -> async::Task<blk::Result<void>> {
        // A Task with no frame, as when the pool is exhausted.
        co_return co_await blk::checked(async::Task<blk::Result<void>>());
    };
    EXPECT_EQ(run(outer()).error(), Error::pool_exhausted);
}

TEST_F(Device, ReadsFailWithPoolExhaustedWhenFramesRunOut) {
    std::vector<std::byte> disk(8 * 4096);
    fill(disk);
    blk::RamBlockDevice ram(disk, 4096);
    blk::ByteReader<blk::RamBlockDevice> reader(ram);
    std::array<std::byte, 100> out{};
    auto handle = executor.spawn(reader.read(4000, out)); // its frame from the test's pool
    ASSERT_TRUE(handle.has_value());
    {
        async::FramePool<16> tiny; // serves the frames from now on: none fits
        executor.run_until_stalled();
    }
    ASSERT_TRUE(handle->done());
    EXPECT_EQ(handle->take().error(), Error::pool_exhausted);
    EXPECT_EQ(ram.reads(), 0u);
}

TEST_F(Device, PartitionBounds) {
    std::vector<std::byte> disk(64 * 512);
    fill(disk);
    blk::RamBlockDevice ram(disk, 512);
    EXPECT_EQ(blk::Partition<blk::RamBlockDevice>::of(ram, 60, 5).error(), Error::out_of_range);
    EXPECT_EQ(blk::Partition<blk::RamBlockDevice>::of(ram, 65, 0).error(), Error::out_of_range);
    auto part = blk::Partition<blk::RamBlockDevice>::of(ram, 10, 20);
    ASSERT_TRUE(part.has_value());
    EXPECT_EQ(part->block_count(), 20u);
    EXPECT_EQ(part->block_size(), 512u);
    std::vector<std::byte> buffer(2 * 512);
    ASSERT_TRUE(run(part->read(0, buffer)).has_value());
    EXPECT_TRUE(std::equal(buffer.begin(), buffer.end(), disk.begin() + 10 * 512));
    ASSERT_TRUE(run(part->read(18, buffer)).has_value()); // the last two blocks
    EXPECT_TRUE(std::equal(buffer.begin(), buffer.end(), disk.begin() + 28 * 512));
    EXPECT_EQ(run(part->read(19, buffer)).error(), Error::out_of_range);     // one past the end
    EXPECT_EQ(run(part->write(20, std::span(buffer).first(512))).error(), Error::out_of_range);
    EXPECT_EQ(run(part->read(0, std::span(buffer).first(10))).error(), Error::not_whole_blocks);
    std::vector<std::byte> data(512, std::byte{0xee});
    ASSERT_TRUE(run(part->write(19, data)).has_value());
    EXPECT_EQ(disk[29 * 512], std::byte{0xee});
    EXPECT_NE(disk[30 * 512], std::byte{0xee}); // nothing past the partition
    EXPECT_EQ(ram.reads(), 2u) << "refused requests do not reach the device";
    EXPECT_EQ(ram.writes(), 1u);
    ASSERT_TRUE(run(part->flush()).has_value());
    EXPECT_EQ(ram.flushes(), 1u);
}

TEST_F(Device, PartitionsFromAnMbrOnA4KDevice) {
    // 1 MiB of 4 KiB blocks; the MBR counts 512-byte sectors.
    std::vector<std::byte> disk(256 * 4096);
    fill(disk, 0, 7);
    const std::array<blk::MbrPartition, 3> table{
        blk::MbrPartition{.index = 0, .type = 0x0c, .first_sector = 8, .sector_count = 1016},
        blk::MbrPartition{.index = 1, .type = 0x83, .first_sector = 1024, .sector_count = 1016},
        blk::MbrPartition{.index = 2, .type = 0x83, .first_sector = 2044, .sector_count = 4}, // not on 4 KiB
    };
    blk::write_mbr(std::span(disk).first<512>(), table);
    blk::RamBlockDevice ram(disk, 4096);
    auto mbr = run(blk::read_mbr(ram));
    ASSERT_TRUE(mbr.has_value()) << blk::describe(mbr.error());
    ASSERT_EQ(mbr->partitions().size(), 3u);
    auto first = blk::Partition<blk::RamBlockDevice>::of(ram, mbr->partitions()[0]);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->first_block(), 1u);
    EXPECT_EQ(first->block_count(), 127u);
    auto second = blk::Partition<blk::RamBlockDevice>::of(ram, mbr->partitions()[1]);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->first_block(), 128u);
    EXPECT_EQ(second->block_count(), 127u);
    std::vector<std::byte> last(4096);
    ASSERT_TRUE(run(second->read(126, last)).has_value());
    EXPECT_TRUE(std::equal(last.begin(), last.end(), disk.begin() + 254 * 4096));
    EXPECT_EQ(blk::Partition<blk::RamBlockDevice>::of(ram, mbr->partitions()[2]).error(),
              Error::partition_misaligned);
    // An entry past the device (a table made for a bigger disk).
    EXPECT_EQ(blk::Partition<blk::RamBlockDevice>::of(
                  ram, blk::MbrPartition{.index = 0, .type = 0x83, .first_sector = 2048, .sector_count = 8})
                  .error(),
              Error::out_of_range);
}

TEST_F(Device, ReadMbrReportsBadTablesAndDeviceErrors) {
    std::vector<std::byte> disk(16 * 512);
    blk::RamBlockDevice ram(disk, 512);
    EXPECT_EQ(run(blk::read_mbr(ram)).error(), blk::MbrError{Error::bad_signature});
    const std::array table{blk::MbrPartition{.index = 1, .type = 0x83, .first_sector = 4, .sector_count = 13}};
    blk::write_mbr(std::span(disk).first<512>(), table);
    EXPECT_EQ(run(blk::read_mbr(ram)).error(), (blk::MbrError{Error::partition_outside, 1}));
    GatedDevice gated(disk, 512);
    gated.fail_next = true;
    EXPECT_EQ(run(blk::read_mbr(gated), [&] { gated.open(); }).error(), blk::MbrError{Error::io});
    blk::RamBlockDevice tiny{std::span(disk).first(256), 256};
    EXPECT_EQ(run(blk::read_mbr(tiny)).error(), blk::MbrError{Error::out_of_range});
}

// Every offset/length pair over the first blocks, through the bounce buffer.
TEST_F(Device, ByteReaderAtAnyOffset) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    blk::RamBlockDevice ram(disk, 512);
    blk::ByteReader<blk::RamBlockDevice, 512> reader(ram);
    EXPECT_EQ(reader.size(), disk.size());
    std::vector<std::byte> out(3 * 512 + 10);
    for (std::uint64_t offset : {0, 1, 100, 511, 512, 513, 1000, 1535}) {
        for (std::size_t length : {0, 1, 11, 511, 512, 513, 1024, 1025, 1546}) {
            std::fill(out.begin(), out.end(), std::byte{0});
            auto span = std::span(out).first(length);
            ASSERT_TRUE(run(reader.read(offset, span)).has_value()) << offset << "+" << length;
            ASSERT_TRUE(std::equal(span.begin(), span.end(), disk.begin() + static_cast<std::ptrdiff_t>(offset)))
                << offset << "+" << length;
        }
    }
    // The whole disk, and the last byte.
    std::vector<std::byte> all(disk.size());
    ASSERT_TRUE(run(reader.read(0, all)).has_value());
    EXPECT_EQ(all, disk);
    std::array<std::byte, 1> last{};
    ASSERT_TRUE(run(reader.read(disk.size() - 1, last)).has_value());
    EXPECT_EQ(last[0], disk.back());
    EXPECT_EQ(run(reader.read(disk.size() - 1, std::span(out).first(2))).error(), Error::out_of_range);
    EXPECT_EQ(run(reader.read(disk.size() + 1, std::span(out).first(0))).error(), Error::out_of_range);
}

TEST_F(Device, ByteReaderUsesOneDeviceReadForTheWholeBlocks) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    blk::RamBlockDevice ram(disk, 512);
    blk::ByteReader<blk::RamBlockDevice, 512> reader(ram);
    std::vector<std::byte> out(4 * 512);
    ASSERT_TRUE(run(reader.read(100, out)).has_value()); // part of 0, 1..3 whole, part of 4
    EXPECT_EQ(ram.reads(), 3u);
    EXPECT_EQ(ram.blocks_read(), 5u);
}

TEST_F(Device, ByteReaderRefusesBlocksLargerThanItsBuffer) {
    std::vector<std::byte> disk(4 * 1024);
    blk::RamBlockDevice ram(disk, 1024);
    blk::ByteReader<blk::RamBlockDevice, 512> reader(ram);
    std::array<std::byte, 10> out{};
    EXPECT_EQ(run(reader.read(3, out)).error(), Error::unsupported_block_size);
    std::vector<std::byte> whole(1024);
    EXPECT_TRUE(run(reader.read(1024, whole)).has_value()) << "whole blocks need no bounce buffer";
}

TEST_F(Device, ByteReaderWithABounceBufferServesOneReadAtATime) {
    std::vector<std::byte> disk(4 * 512);
    fill(disk);
    GatedDevice gated(disk, 512);
    blk::ByteReader<GatedDevice, 512> reader(gated);
    std::array<std::byte, 10> a{}, b{};
    auto first = executor.spawn(reader.read(5, a));
    auto second = executor.spawn(reader.read(700, b));
    executor.run_until_stalled();
    ASSERT_TRUE(second->done());
    EXPECT_EQ(second->take().error(), Error::busy);
    gated.open();
    executor.run_until_stalled();
    ASSERT_TRUE(first->done());
    EXPECT_TRUE(first->take().has_value());
    EXPECT_TRUE(std::equal(a.begin(), a.end(), disk.begin() + 5));
    // Free again (also after a cancelled read).
    auto third = executor.spawn(reader.read(700, b));
    executor.run_until_stalled();
    third->cancel();
    EXPECT_TRUE(run(reader.read(700, b), [&] { gated.open(); }).has_value());
    EXPECT_TRUE(std::equal(b.begin(), b.end(), disk.begin() + 700));
}

TEST_F(Device, ByteReaderThroughTheCacheAndAPartition) {
    std::vector<std::byte> disk(64 * 512);
    fill(disk, 0, 3);
    blk::RamBlockDevice ram(disk, 512);
    blk::BlockCache<blk::RamBlockDevice, 4, 512> cache(ram);
    auto part = blk::Partition<decltype(cache)>::of(cache, 8, 32);
    ASSERT_TRUE(part.has_value());
    static_assert(blk::PartialReadDevice<decltype(cache)>);
    static_assert(blk::PartialReadDevice<blk::Partition<decltype(cache)>>);
    blk::ByteReader<blk::Partition<decltype(cache)>> reader(*part);
    static_assert(sizeof(reader) == sizeof(void *), "no bounce buffer over the cache");
    std::vector<std::byte> out(700);
    ASSERT_TRUE(run(reader.read(300, out)).has_value()); // bytes 300..999 of the partition: blocks 0, 1
    EXPECT_TRUE(std::equal(out.begin(), out.end(), disk.begin() + 8 * 512 + 300));
    EXPECT_EQ(cache.stats().read_misses, 2u);
    ASSERT_TRUE(run(reader.read(600, std::span(out).first(100))).has_value()); // block 1 again
    EXPECT_EQ(cache.stats().read_hits, 1u);
    EXPECT_TRUE(std::equal(out.begin(), out.begin() + 100, disk.begin() + 8 * 512 + 600));
    EXPECT_EQ(run(reader.read(32 * 512 - 1, std::span(out).first(2))).error(), Error::out_of_range);
    EXPECT_EQ(run(part->read_part(32, 0, std::span(out).first(1))).error(), Error::out_of_range);
    EXPECT_EQ(run(cache.read_part(0, 500, std::span(out).first(13))).error(), Error::out_of_range);
}

TEST_F(Device, SequentialReader) {
    std::vector<std::byte> disk(8 * 512);
    fill(disk);
    blk::RamBlockDevice ram(disk, 512);
    blk::ByteReader<blk::RamBlockDevice, 512> bytes(ram);
    blk::SequentialReader<blk::RamBlockDevice, 512> reader(bytes, 1000, 1500); // bytes 1000..2499
    EXPECT_EQ(reader.length(), 1500u);
    std::vector<std::byte> got;
    std::array<std::byte, 333> chunk{};
    for (;;) {
        auto n = run(reader.read(chunk));
        ASSERT_TRUE(n.has_value());
        if (*n == 0)
            break;
        got.insert(got.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
    }
    ASSERT_EQ(got.size(), 1500u);
    EXPECT_TRUE(std::equal(got.begin(), got.end(), disk.begin() + 1000));
    EXPECT_EQ(reader.remaining(), 0u);
    ASSERT_TRUE(reader.seek(1400).has_value());
    EXPECT_EQ(run(reader.read_exact(std::span(chunk).first(101))).error(), Error::out_of_range);
    EXPECT_EQ(reader.position(), 1400u) << "a refused read does not move";
    ASSERT_TRUE(run(reader.read_exact(std::span(chunk).first(100))).has_value());
    EXPECT_TRUE(std::equal(chunk.begin(), chunk.begin() + 100, disk.begin() + 2400));
    EXPECT_EQ(reader.seek(1501).error(), Error::out_of_range);
    ASSERT_TRUE(reader.seek(0).has_value());
    ASSERT_TRUE(reader.skip(10).has_value());
    EXPECT_EQ(reader.skip(1491).error(), Error::out_of_range);
    // A range past the device is clamped to it.
    blk::SequentialReader<blk::RamBlockDevice, 512> tail(bytes, 4000, 1000);
    EXPECT_EQ(tail.length(), 96u);
    blk::SequentialReader<blk::RamBlockDevice, 512> outside(bytes, 9999);
    EXPECT_EQ(outside.length(), 0u);
}

} // namespace
