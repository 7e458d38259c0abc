// Mbr::parse: good tables (written by write_mbr and by hand, byte for byte), and each
// malformed case with the entry it names.
#include <sel4/block/mbr.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <initializer_list>

namespace blk = sel4::block;

namespace {

using Sector = std::array<std::byte, blk::mbr_bytes>;

Sector table(std::initializer_list<blk::MbrPartition> partitions, std::uint32_t disk_id = 0) {
    Sector sector{};
    blk::write_mbr(sector, std::span(partitions.begin(), partitions.size()), disk_id);
    return sector;
}

blk::MbrPartition part(std::uint8_t index, std::uint8_t type, std::uint32_t first, std::uint32_t count,
                       bool bootable = false) {
    return {.index = index, .bootable = bootable, .type = type, .first_sector = first, .sector_count = count};
}

constexpr std::uint64_t disk = 2048; // sectors (1 MiB)

TEST(Mbr, ParsesTwoPartitions) {
    const Sector sector = table({part(0, 0x0c, 8, 1016, true), part(1, 0x83, 1024, 1024)}, 0x12345678);
    auto mbr = blk::Mbr::parse(sector, disk);
    ASSERT_TRUE(mbr.has_value()) << blk::describe(mbr.error());
    ASSERT_EQ(mbr->partitions().size(), 2u);
    EXPECT_EQ(mbr->partitions()[0], part(0, 0x0c, 8, 1016, true));
    EXPECT_EQ(mbr->partitions()[1], part(1, 0x83, 1024, 1024));
    EXPECT_EQ(mbr->partitions()[1].end_sector(), 2048u);
    EXPECT_EQ(mbr->disk_id(), 0x12345678u);
    EXPECT_FALSE(mbr->gpt());
    EXPECT_EQ(mbr->entry(1).value(), part(1, 0x83, 1024, 1024));
    EXPECT_EQ(mbr->entry(2).error(), blk::Error::no_partition);
    EXPECT_EQ(mbr->entry(7).error(), blk::Error::no_partition);
}

// The bytes as the layout gives them, written by hand: entry 2 only, little-endian fields,
// CHS bytes that say nothing useful (ignored).
TEST(Mbr, ParsesHandWrittenBytes) {
    Sector sector{};
    const std::array<std::uint8_t, 16> entry{0x80, 0x01, 0x02, 0x03, 0x06, 0x04, 0x05, 0x06,
                                             0x00, 0x01, 0x00, 0x00, 0x34, 0x02, 0x00, 0x00};
    for (std::size_t i = 0; i < entry.size(); ++i)
        sector[446 + 32 + i] = std::byte{entry[i]};
    sector[440] = std::byte{0xef};
    sector[441] = std::byte{0xbe};
    sector[442] = std::byte{0xad};
    sector[443] = std::byte{0xde};
    sector[510] = std::byte{0x55};
    sector[511] = std::byte{0xaa};
    auto mbr = blk::Mbr::parse(sector, disk);
    ASSERT_TRUE(mbr.has_value()) << blk::describe(mbr.error());
    ASSERT_EQ(mbr->partitions().size(), 1u);
    EXPECT_EQ(mbr->partitions()[0], part(2, 0x06, 0x100, 0x234, true));
    EXPECT_EQ(mbr->disk_id(), 0xdeadbeefu);
}

TEST(Mbr, WriteMbrLayout) {
    const Sector sector = table({part(3, 0x83, 0x01020304, 0x0a0b0c0d, true)}, 0xaabbccdd);
    const std::size_t at = 446 + 3 * 16;
    EXPECT_EQ(sector[at + 0], std::byte{0x80});
    EXPECT_EQ(sector[at + 1], std::byte{0xfe});
    EXPECT_EQ(sector[at + 2], std::byte{0xff});
    EXPECT_EQ(sector[at + 3], std::byte{0xff});
    EXPECT_EQ(sector[at + 4], std::byte{0x83});
    EXPECT_EQ(sector[at + 8], std::byte{0x04});
    EXPECT_EQ(sector[at + 11], std::byte{0x01});
    EXPECT_EQ(sector[at + 12], std::byte{0x0d});
    EXPECT_EQ(sector[at + 15], std::byte{0x0a});
    EXPECT_EQ(sector[440], std::byte{0xdd});
    EXPECT_EQ(sector[443], std::byte{0xaa});
    EXPECT_EQ(sector[510], std::byte{0x55});
    EXPECT_EQ(sector[511], std::byte{0xaa});
    for (std::size_t i = 446; i < at; ++i)
        EXPECT_EQ(sector[i], std::byte{0}) << i;
}

TEST(Mbr, EmptyTableIsValid) {
    auto mbr = blk::Mbr::parse(table({}), disk);
    ASSERT_TRUE(mbr.has_value());
    EXPECT_TRUE(mbr->partitions().empty());
}

TEST(Mbr, UnusedEntriesAreSkippedWhateverTheyHold) {
    Sector sector = table({part(1, 0x83, 100, 100)});
    // Entry 0: type 0 but a broken status, a sector count and an LBA past the disk.
    sector[446] = std::byte{0x42};
    sector[446 + 8] = std::byte{0xff};
    sector[446 + 11] = std::byte{0xff};
    sector[446 + 12] = std::byte{0x01};
    auto mbr = blk::Mbr::parse(sector, disk);
    ASSERT_TRUE(mbr.has_value()) << blk::describe(mbr.error());
    ASSERT_EQ(mbr->partitions().size(), 1u);
    EXPECT_EQ(mbr->partitions()[0].index, 1u);
}

TEST(Mbr, PartitionFillingTheDisk) {
    auto mbr = blk::Mbr::parse(table({part(0, 0x83, 1, disk - 1)}), disk);
    ASSERT_TRUE(mbr.has_value());
}

TEST(Mbr, RejectsBadSignature) {
    Sector sector = table({part(0, 0x83, 1, 10)});
    sector[510] = std::byte{0xaa};
    sector[511] = std::byte{0x55}; // swapped
    EXPECT_EQ(blk::Mbr::parse(sector, disk).error(), blk::MbrError{blk::Error::bad_signature});
    sector[510] = std::byte{0x55};
    sector[511] = std::byte{0x00};
    EXPECT_EQ(blk::Mbr::parse(sector, disk).error().reason, blk::Error::bad_signature);
    EXPECT_EQ(blk::Mbr::parse(Sector{}, disk).error().reason, blk::Error::bad_signature);
}

TEST(Mbr, RejectsBadStatus) {
    Sector sector = table({part(0, 0x83, 1, 10), part(2, 0x83, 20, 10)});
    sector[446 + 32] = std::byte{0x81};
    EXPECT_EQ(blk::Mbr::parse(sector, disk).error(), (blk::MbrError{blk::Error::bad_status, 2}));
}

TEST(Mbr, RejectsEmptyPartition) {
    EXPECT_EQ(blk::Mbr::parse(table({part(1, 0x83, 10, 0)}), disk).error(),
              (blk::MbrError{blk::Error::empty_partition, 1}));
}

TEST(Mbr, RejectsPartitionInSectorZero) {
    EXPECT_EQ(blk::Mbr::parse(table({part(3, 0x83, 0, 10)}), disk).error(),
              (blk::MbrError{blk::Error::partition_outside, 3}));
}

TEST(Mbr, RejectsPartitionPastTheDisk) {
    EXPECT_EQ(blk::Mbr::parse(table({part(0, 0x83, 1, disk)}), disk).error(),
              (blk::MbrError{blk::Error::partition_outside, 0}));
    EXPECT_EQ(blk::Mbr::parse(table({part(0, 0x83, 1, 1), part(1, 0x83, disk, 1)}), disk).error(),
              (blk::MbrError{blk::Error::partition_outside, 1}));
    // First + count overflows 32 bits: still outside (computed in 64).
    EXPECT_EQ(blk::Mbr::parse(table({part(2, 0x83, 0xffffff00, 0x200)}), disk).error(),
              (blk::MbrError{blk::Error::partition_outside, 2}));
}

TEST(Mbr, RejectsOverlaps) {
    // Entry 2 overlaps entry 0 by one sector.
    EXPECT_EQ(blk::Mbr::parse(table({part(0, 0x83, 10, 10), part(1, 0x83, 100, 10), part(2, 0x83, 19, 5)}), disk)
                  .error(),
              (blk::MbrError{blk::Error::partitions_overlap, 2, 0}));
    // One inside the other.
    EXPECT_EQ(blk::Mbr::parse(table({part(0, 0x83, 10, 100), part(3, 0x83, 20, 5)}), disk).error(),
              (blk::MbrError{blk::Error::partitions_overlap, 3, 0}));
    // The same range twice.
    EXPECT_EQ(blk::Mbr::parse(table({part(1, 0x83, 10, 10), part(2, 0x0c, 10, 10)}), disk).error(),
              (blk::MbrError{blk::Error::partitions_overlap, 2, 1}));
    // Adjacent is fine.
    EXPECT_TRUE(blk::Mbr::parse(table({part(0, 0x83, 10, 10), part(1, 0x83, 20, 10)}), disk).has_value());
}

TEST(Mbr, ExtendedPartitionIsReportedNotFollowed) {
    auto mbr = blk::Mbr::parse(table({part(0, 0x83, 1, 99), part(1, 0x0f, 100, 900)}), disk);
    ASSERT_TRUE(mbr.has_value());
    ASSERT_EQ(mbr->partitions().size(), 2u);
    EXPECT_FALSE(mbr->partitions()[0].extended());
    EXPECT_TRUE(mbr->partitions()[1].extended());
}

TEST(Mbr, GptProtectiveEntryIsClampedToTheDisk) {
    auto mbr = blk::Mbr::parse(table({part(0, blk::mbr_type_gpt_protective, 1, 0xffffffff)}), disk);
    ASSERT_TRUE(mbr.has_value()) << blk::describe(mbr.error());
    EXPECT_TRUE(mbr->gpt());
    EXPECT_EQ(mbr->partitions()[0].end_sector(), disk);
}

TEST(Mbr, ParsesAtCompileTime) {
    constexpr bool ok = [] {
        std::array<std::byte, blk::mbr_bytes> sector{};
        const std::array partitions{blk::MbrPartition{.index = 0, .type = 0x83, .first_sector = 1, .sector_count = 9}};
        blk::write_mbr(sector, partitions);
        auto mbr = blk::Mbr::parse(sector, 10);
        return mbr.has_value() && mbr->partitions().size() == 1 && mbr->partitions()[0].end_sector() == 10;
    }();
    static_assert(ok);
    EXPECT_TRUE(ok);
}

TEST(Mbr, DescribesEveryError) {
    for (auto e : {blk::Error::bad_signature, blk::Error::bad_status, blk::Error::empty_partition,
                   blk::Error::partition_outside, blk::Error::partitions_overlap})
        EXPECT_STRNE(blk::describe(blk::MbrError{e}), blk::describe(static_cast<blk::Error>(0xff)));
}

} // namespace
