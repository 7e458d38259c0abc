// sel4::fat against images made by mkfs.fat and mtools: FAT12, FAT16 and FAT32, an MBR
// partition, files of every size class, fragmented files, deep directories, long names, and
// corrupted and truncated images. Every file's bytes are compared with what was written.
#include "support.hpp"

#include <sel4/block/mbr.hpp>
#include <sel4/block/partition.hpp>

#include <algorithm>
#include <map>
#include <string>

namespace fat_test {
namespace {

class Fat : public Fixture {
protected:
    // The whole of `path`'s bytes read through `volume`, in pieces of `piece` bytes.
    template <class V> fat::Result<std::vector<std::byte>> read_all(V &volume, const std::string &path,
                                                                      std::size_t piece = 1000) {
        auto file = run(volume.open(path));
        if (!file)
            return std::unexpected(file.error());
        std::vector<std::byte> bytes(file->size());
        for (std::size_t at = 0; at < bytes.size();) {
            auto got = run(file->read(at, std::span(bytes).subspan(at, std::min(piece, bytes.size() - at))));
            if (!got)
                return std::unexpected(got.error());
            if (*got == 0)
                break;
            at += *got;
        }
        return bytes;
    }

    // Checks every file of `files` through `volume`.
    template <class V> void expect_files(V &volume, const std::map<std::string, std::vector<std::byte>> &files) {
        for (const auto &[path, bytes] : files) {
            auto got = read_all(volume, path);
            ASSERT_TRUE(got.has_value()) << path << ": " << fat::describe(got.error());
            EXPECT_TRUE(*got == bytes) << path << " differs";
        }
    }

    std::map<std::string, std::vector<std::byte>> files;
    std::uint32_t seed = 1;
    void put(Image &image, const std::string &path, std::size_t size) {
        files[path] = content(size, seed++);
        ASSERT_TRUE(image.put(path, files[path])) << path;
    }
};

struct Variant {
    const char *name;
    std::uint64_t kib;
    const char *options;
    fat::Type type;
    std::uint32_t cluster;
};

class FatTypes : public Fat, public testing::WithParamInterface<Variant> {};

TEST_P(FatTypes, ReadsFilesOfEverySize) {
    const Variant v = GetParam();
    Image image(scratch(v.name) / "sizes.img");
    ASSERT_TRUE(image.format(v.kib, v.options));
    ASSERT_TRUE(image.mkdir("/dir"));
    put(image, "/empty", 0);
    put(image, "/one", 1);
    put(image, "/cluster.bin", v.cluster);
    put(image, "/cluster-plus-one.bin", v.cluster + 1);
    put(image, "/dir/multi.bin", v.cluster * 7 + 123);
    put(image, "/dir/big.bin", 300 * 1024);
    auto bytes = image.bytes();
    blk::RamBlockDevice disk(bytes, 512);
    auto volume = run(Volume::mount(disk));
    ASSERT_TRUE(volume.has_value()) << fat::describe(volume.error());
    EXPECT_EQ(volume->type(), v.type);
    EXPECT_EQ(volume->cluster_bytes(), v.cluster);
    expect_files(*volume, files);
    // Case-insensitive lookups, and a piece size that crosses clusters unevenly.
    auto upper = read_all(*volume, "/DIR/Multi.BIN", 777);
    ASSERT_TRUE(upper.has_value());
    EXPECT_TRUE(*upper == files["/dir/multi.bin"]);
    auto dir = run(volume->open("/dir/"));
    ASSERT_TRUE(dir.has_value());
    EXPECT_TRUE(dir->is_directory());
    EXPECT_EQ(run(volume->open("/nothing")).error(), fat::Reason::not_found);
    EXPECT_EQ(run(volume->open("/one/more")).error(), fat::Reason::not_a_directory);
    EXPECT_EQ(run(volume->open("/dir/../one")).error(), fat::Reason::bad_path);
    auto one = run(volume->open("one"));
    ASSERT_TRUE(one.has_value());
    EXPECT_TRUE(one->modified().valid());
    EXPECT_GT(one->modified().unix_seconds(), 1600000000);
    // Reads past the end give 0 bytes; a read that reaches past it is cut short.
    std::array<std::byte, 8> buffer{};
    EXPECT_EQ(run(one->read(1, buffer)).value(), 0u);
    EXPECT_EQ(run(one->read(0, buffer)).value(), 1u);
}

INSTANTIATE_TEST_SUITE_P(, FatTypes,
                         testing::Values(Variant{"fat12", 2048, "-F 12 -s 4", fat::Type::fat12, 2048},
                                         Variant{"fat16", 16384, "-F 16 -s 4", fat::Type::fat16, 2048},
                                         Variant{"fat16-512", 8192, "-F 16 -s 1", fat::Type::fat16, 512},
                                         Variant{"fat32", 40960, "-F 32 -s 1", fat::Type::fat32, 512}),
                         [](const auto &info) { std::string n = info.param.name; std::replace(n.begin(), n.end(), '-', '_'); return n; });

TEST_F(Fat, ListsADirectory) {
    Image image(scratch("list") / "list.img");
    ASSERT_TRUE(image.format(2048, "-F 12"));
    ASSERT_TRUE(image.mkdir("/sub"));
    put(image, "/a.txt", 10);
    put(image, "/sub/b.txt", 20);
    auto bytes = image.bytes();
    blk::RamBlockDevice disk(bytes, 512);
    auto volume = run(Volume::mount(disk));
    ASSERT_TRUE(volume.has_value());
    auto root = volume->root().directory();
    ASSERT_TRUE(root.has_value());
    std::map<std::string, std::uint32_t> seen;
    for (;;) {
        auto entry = run(root->next());
        ASSERT_TRUE(entry.has_value());
        if (!*entry)
            break;
        seen[std::string((*entry)->name())] = (*entry)->size;
        if ((*entry)->name() == "sub") {
            EXPECT_TRUE((*entry)->is_directory());
        }
    }
    EXPECT_EQ(seen, (std::map<std::string, std::uint32_t>{{"a.txt", 10}, {"sub", 0}}));
    EXPECT_FALSE(run(root->next()).value().has_value()); // stays at the end
}

TEST_F(Fat, ReadsFragmentedFiles) {
    Image image(scratch("fragmented") / "frag.img");
    ASSERT_TRUE(image.format(4096, "-F 16 -s 1"));
    for (int i = 0; i < 40; ++i)
        put(image, "/f" + std::to_string(i), 512 * (1 + i % 3) + 17);
    for (int i = 0; i < 40; i += 2) {
        ASSERT_TRUE(image.remove("/f" + std::to_string(i)));
        files.erase("/f" + std::to_string(i));
    }
    put(image, "/big", 512 * 50 + 5); // fills the gaps first: a fragmented chain
    auto bytes = image.bytes();
    blk::RamBlockDevice disk(bytes, 512);
    auto volume = run(Volume::mount(disk));
    ASSERT_TRUE(volume.has_value());
    expect_files(*volume, files);
    // The chain is fragmented: some link is not to the next cluster.
    auto big = run(volume->open("/big"));
    ASSERT_TRUE(big.has_value());
    std::uint32_t cluster = big->first_cluster();
    bool jumped = false;
    for (int i = 0; i < 50; ++i) {
        auto next = run(volume->next_cluster(cluster));
        ASSERT_TRUE(next.has_value());
        ASSERT_TRUE(next->has_value());
        jumped = jumped || **next != cluster + 1;
        cluster = **next;
    }
    EXPECT_TRUE(jumped);
    // Backwards reads restart from the chain's start.
    std::array<std::byte, 100> piece{};
    ASSERT_EQ(run(big->read(512 * 40, piece)).value(), 100u);
    ASSERT_EQ(run(big->read(3, piece)).value(), 100u);
    EXPECT_TRUE(std::equal(piece.begin(), piece.end(), files["/big"].begin() + 3));
}

TEST_F(Fat, ReadsDeepDirectories) {
    Image image(scratch("deep") / "deep.img");
    ASSERT_TRUE(image.format(40960, "-F 32 -s 1"));
    std::string path;
    for (int level = 0; level < 10; ++level) {
        path += "/level" + std::to_string(level);
        ASSERT_TRUE(image.mkdir(path));
        put(image, path + "/file.txt", 100 + level);
    }
    for (int i = 0; i < 40; ++i) // a directory of several clusters
        put(image, path + "/entry-with-a-long-name-" + std::to_string(i), i);
    auto bytes = image.bytes();
    blk::RamBlockDevice disk(bytes, 512);
    auto volume = run(Volume::mount(disk));
    ASSERT_TRUE(volume.has_value()) << fat::describe(volume.error());
    EXPECT_EQ(volume->type(), fat::Type::fat32);
    expect_files(*volume, files);
}

TEST_F(Fat, ReadsLongNames) {
    Image image(scratch("names") / "names.img");
    ASSERT_TRUE(image.format(16384, "-F 16"));
    const std::string long255(255, 'x');
    const std::string several = "a name that needs several long name entries because it is long.text";
    put(image, "/" + long255.substr(0, 250) + ".html", 5);
    put(image, "/" + several, 6);
    put(image, "/.hidden", 7);
    put(image, "/Grüße-日本語-€.txt", 8);
    put(image, "/MixedCase.Txt", 9);
    put(image, "/lower.txt", 10);
    put(image, "/UPPER.TXT", 11);
    auto bytes = image.bytes();
    blk::RamBlockDevice disk(bytes, 512);
    auto volume = run(Volume::mount(disk));
    ASSERT_TRUE(volume.has_value());
    expect_files(*volume, files);
    // Names differing only in case name the same file.
    EXPECT_TRUE(read_all(*volume, "/mixedcase.txt").value() == files["/MixedCase.Txt"]);
    EXPECT_TRUE(read_all(*volume, "/LOWER.TXT").value() == files["/lower.txt"]);
    // The names as listed: the long ones exactly, "lower.txt" from its 8.3 name's case bits.
    auto root = volume->root().directory();
    std::map<std::string, bool> names;
    for (;;) {
        auto entry = run(root->next());
        ASSERT_TRUE(entry.has_value());
        if (!*entry)
            break;
        names[std::string((*entry)->name())] = (*entry)->long_name;
    }
    EXPECT_TRUE(names.count(long255.substr(0, 250) + ".html"));
    EXPECT_TRUE(names.count(several));
    EXPECT_TRUE(names.count(".hidden"));
    EXPECT_TRUE(names.count("Grüße-日本語-€.txt"));
    EXPECT_TRUE(names.count("MixedCase.Txt"));
    EXPECT_TRUE(names.count("lower.txt"));
    EXPECT_TRUE(names.count("UPPER.TXT"));
}

// Finds the directory entry of the 8.3 name `name83` (11 bytes) in the image; its offset.
std::size_t find_entry(const std::vector<std::byte> &bytes, const char *name83) {
    for (std::size_t at = 0; at + 32 <= bytes.size(); at += 32)
        if (std::memcmp(bytes.data() + at, name83, 11) == 0)
            return at;
    return 0;
}

TEST_F(Fat, BadLongNameChecksumFallsBackToShortName) {
    Image image(scratch("checksum") / "sum.img");
    ASSERT_TRUE(image.format(2048, "-F 12"));
    put(image, "/a long file name.txt", 3);
    auto bytes = image.bytes();
    const std::size_t at = find_entry(bytes, "ALONGF~1TXT");
    ASSERT_NE(at, 0u);
    bytes[at - 32 + 13] ^= std::byte{0x5a}; // the LFN entry's checksum
    blk::RamBlockDevice disk(bytes, 512);
    auto volume = run(Volume::mount(disk));
    ASSERT_TRUE(volume.has_value());
    EXPECT_EQ(run(volume->open("/a long file name.txt")).error(), fat::Reason::not_found);
    auto file = run(volume->open("/ALONGF~1.TXT"));
    ASSERT_TRUE(file.has_value());
    EXPECT_EQ(file->size(), 3u);
    EXPECT_FALSE(file->entry().long_name);
}

// A FAT16 image with one file of several clusters: the corrupted-FAT tests patch it.
class Corrupt : public Fat {
protected:
    void SetUp() override {
        Image image(scratch("corrupt") / "corrupt.img");
        ASSERT_TRUE(image.format(8192, "-F 16 -s 1"));
        put(image, "/file.bin", 512 * 5);
        bytes = image.bytes();
        const std::size_t at = find_entry(bytes, "FILE    BIN");
        ASSERT_NE(at, 0u);
        first = std::uint16_t(bytes[at + 26]) | std::uint16_t(bytes[at + 27]) << 8;
        const std::uint32_t reserved = std::uint16_t(bytes[14]) | std::uint16_t(bytes[15]) << 8;
        fat_offset = reserved * 512;
    }
    void set_fat(std::uint32_t cluster, std::uint16_t value) {
        bytes[fat_offset + cluster * 2] = std::byte(value & 0xff);
        bytes[fat_offset + cluster * 2 + 1] = std::byte(value >> 8);
    }
    fat::Error read_error() {
        blk::RamBlockDevice disk(bytes, 512);
        auto volume = run(Volume::mount(disk));
        EXPECT_TRUE(volume.has_value());
        auto got = read_all(*volume, "/file.bin");
        EXPECT_FALSE(got.has_value());
        return got ? fat::Error(fat::Reason::device) : got.error();
    }
    std::vector<std::byte> bytes;
    std::uint32_t first = 0;
    std::size_t fat_offset = 0;
};

TEST_F(Corrupt, IntactFileReads) {
    blk::RamBlockDevice disk(bytes, 512);
    auto volume = run(Volume::mount(disk));
    ASSERT_TRUE(volume.has_value());
    expect_files(*volume, files);
}
TEST_F(Corrupt, LoopIsAnError) {
    set_fat(first + 1, static_cast<std::uint16_t>(first)); // the second link points back to the first
    bytes[find_entry(bytes, "FILE    BIN") + 31] = std::byte{0x10}; // and the size says 256 MiB
    EXPECT_EQ(read_error(), fat::Reason::chain_loop);
}
TEST_F(Corrupt, OutOfRangeClusterIsAnError) {
    set_fat(first + 1, 0xfff0);
    EXPECT_EQ(read_error(), fat::Reason::cluster_out_of_range);
}
TEST_F(Corrupt, FreeClusterInChainIsAnError) {
    set_fat(first + 2, 0);
    EXPECT_EQ(read_error(), fat::Reason::free_cluster_in_chain);
}
TEST_F(Corrupt, ShortChainIsAnError) {
    set_fat(first + 2, 0xffff);
    EXPECT_EQ(read_error(), fat::Reason::chain_too_short);
}
TEST_F(Corrupt, DirectoryEntryClusterOutOfRange) {
    const std::size_t at = find_entry(bytes, "FILE    BIN");
    bytes[at + 26] = std::byte{0xff};
    bytes[at + 27] = std::byte{0xff};
    EXPECT_EQ(read_error(), fat::Reason::cluster_out_of_range);
}
TEST_F(Corrupt, TruncatedImageIsRefused) {
    bytes.resize(bytes.size() / 2);
    blk::RamBlockDevice disk(bytes, 512);
    EXPECT_EQ(run(Volume::mount(disk)).error(), fat::Reason::volume_larger_than_device);
    std::vector<std::byte> tiny(bytes.begin(), bytes.begin() + 256);
    blk::RamBlockDevice tiny_disk(tiny, 256);
    EXPECT_EQ(run(Volume::mount(tiny_disk)).error(), fat::Reason::device_too_small);
}
TEST_F(Corrupt, BootSectorFieldsAreNamed) {
    auto mount_with = [&](std::size_t offset, std::uint8_t value) {
        auto copy = bytes;
        copy[offset] = std::byte{value};
        blk::RamBlockDevice disk(copy, 512);
        auto volume = run(Volume::mount(disk));
        return volume ? fat::Error(fat::Reason::device) : volume.error();
    };
    EXPECT_EQ(mount_with(510, 0), fat::Reason::bad_signature);
    EXPECT_EQ(mount_with(0, 0), fat::Reason::bad_jump);
    EXPECT_EQ(mount_with(12, 0x03), fat::Reason::bad_bytes_per_sector); // 768
    EXPECT_EQ(mount_with(13, 3), fat::Reason::bad_sectors_per_cluster);
    EXPECT_EQ(mount_with(14, 0), fat::Reason::bad_reserved_sectors);
    EXPECT_EQ(mount_with(16, 0), fat::Reason::bad_fat_count);
    EXPECT_EQ(mount_with(22, 1), fat::Reason::fat_too_small);
}

TEST_F(Fat, ReadsAnMbrPartition) {
    // A disk of 1 MiB of MBR and gap, then a FAT32 partition.
    const auto dir = scratch("mbr");
    Image part(dir / "part.img");
    ASSERT_TRUE(part.format(40960, "-F 32"));
    put(part, "/index.html", 4321);
    auto partition_bytes = part.bytes();
    std::vector<std::byte> disk_bytes(1024 * 1024 + partition_bytes.size());
    std::copy(partition_bytes.begin(), partition_bytes.end(), disk_bytes.begin() + 1024 * 1024);
    const blk::MbrPartition entry{.index = 0, .type = 0x0c, .first_sector = 2048,
                                  .sector_count = static_cast<std::uint32_t>(partition_bytes.size() / 512)};
    blk::write_mbr(std::span(disk_bytes).first<blk::mbr_bytes>(), std::span(&entry, 1));
    blk::RamBlockDevice disk(disk_bytes, 512);
    auto mbr = run(blk::read_mbr(disk));
    ASSERT_TRUE(mbr.has_value());
    auto partition = blk::Partition<blk::RamBlockDevice>::of(disk, mbr->partitions()[0]);
    ASSERT_TRUE(partition.has_value());
    EXPECT_FALSE(run(Volume::mount(disk)).has_value()); // the whole disk is no volume
    auto volume = run(fat::Volume<blk::Partition<blk::RamBlockDevice>, 512>::mount(*partition));
    ASSERT_TRUE(volume.has_value()) << fat::describe(volume.error());
    expect_files(*volume, files);
}

TEST(FatTimestamp, ConvertsToUnixTime) {
    // 2024-02-29 13:45:58: date (44 << 9) | (2 << 5) | 29, time (13 << 11) | (45 << 5) | 29.
    const fat::Timestamp t{static_cast<std::uint16_t>((44 << 9) | (2 << 5) | 29),
                           static_cast<std::uint16_t>((13 << 11) | (45 << 5) | 29)};
    EXPECT_TRUE(t.valid());
    EXPECT_EQ(t.unix_seconds(), 1709214358);
    EXPECT_EQ((fat::Timestamp{0x0021, 0}.unix_seconds()), 315532800); // 1980-01-01
    EXPECT_FALSE((fat::Timestamp{0, 0}.valid()));
}

} // namespace
} // namespace fat_test
