// Random byte mutations of valid images (FAT12 and FAT32) in their boot sector, FAT and
// directory areas, each mounted and walked completely (every directory listed, every file
// read to its end): errors are fine, a crash (ASan, UBSan) or a hang is not. The seed is
// fixed, so a failure repeats.
#include "support.hpp"

#include <random>

namespace fat_test {
namespace {

using Dir = fat::Directory<blk::RamBlockDevice, 512>;

// Walks `directory`: at most `depth` levels (a corrupted image may make a directory its own
// descendant) and `budget` entries in all. Counts what it saw.
async::Task<fat::Result<void>> walk(Volume &volume, Dir directory, int depth, std::size_t &budget,
                                    std::size_t &files_read) {
    while (budget > 0) {
        --budget;
        auto entry = co_await directory.next();
        if (!entry)
            co_return std::unexpected(entry.error());
        if (!*entry)
            break;
        (void)(*entry)->modified.unix_seconds();
        auto file = volume.file(**entry);
        if (file.is_directory()) {
            if (depth > 0) {
                if (auto inner = file.directory(); inner)
                    (void)co_await walk(volume, *inner, depth - 1, budget, files_read);
            }
            continue;
        }
        std::array<std::byte, 1536> buffer{};
        for (std::uint64_t at = 0; at < file.size();) {
            auto got = co_await file.read(at, buffer);
            if (!got || *got == 0)
                break;
            at += *got;
        }
        ++files_read;
    }
    co_return fat::Result<void>{};
}

struct Source {
    const char *name;
    std::uint64_t kib;
    const char *options;
    int iterations;
};

class Fuzz : public Fixture, public testing::WithParamInterface<Source> {};

TEST_P(Fuzz, MutatedImagesNeverCrashOrHang) {
    const Source source = GetParam();
    Image image(scratch(std::string("fuzz-") + source.name) / "fuzz.img");
    ASSERT_TRUE(image.format(source.kib, source.options));
    ASSERT_TRUE(image.mkdir("/d"));
    ASSERT_TRUE(image.mkdir("/d/e"));
    ASSERT_TRUE(image.put("/a long name.txt", content(3000, 1)));
    ASSERT_TRUE(image.put("/d/b.bin", content(5000, 2)));
    ASSERT_TRUE(image.put("/d/e/c", content(700, 3)));
    ASSERT_TRUE(image.put("/d/e/" + std::string(120, 'n'), content(10, 4)));
    std::vector<std::byte> bytes = image.bytes();

    // The areas to mutate: the boot sector (and FSInfo), the FATs and the root directory, and
    // the first data clusters (the subdirectories live there).
    blk::RamBlockDevice disk(bytes, 512);
    auto clean = run(Volume::mount(disk));
    ASSERT_TRUE(clean.has_value());
    const std::size_t metadata_end =
        std::min<std::size_t>(bytes.size(), clean->cluster_offset(2) + 24 * clean->cluster_bytes());

    std::mt19937_64 random(20261202);
    std::size_t mounted = 0, files_read = 0;
    for (int i = 0; i < source.iterations; ++i) {
        std::vector<std::pair<std::size_t, std::byte>> undo;
        const int mutations = 1 + static_cast<int>(random() % 8);
        for (int m = 0; m < mutations; ++m) {
            std::size_t at = 0;
            switch (random() % 3) {
            case 0:
                at = random() % 512; // the boot sector
                break;
            case 1:
                at = random() % clean->cluster_offset(2); // reserved sectors, FATs, FAT12's root
                break;
            default:
                at = clean->cluster_offset(2) + random() % (metadata_end - clean->cluster_offset(2));
            }
            undo.emplace_back(at, bytes[at]);
            bytes[at] = (random() % 4 == 0) ? std::byte{0xff} : std::byte(static_cast<std::uint8_t>(random()));
        }
        blk::RamBlockDevice mutated(bytes, 512);
        auto volume = run(Volume::mount(mutated));
        if (volume) {
            ++mounted;
            std::size_t budget = 4000;
            auto root = volume->root().directory();
            ASSERT_TRUE(root.has_value());
            (void)run(walk(*volume, *root, 12, budget, files_read));
            (void)run(volume->open("/d/e/c"));
        }
        for (auto it = undo.rbegin(); it != undo.rend(); ++it)
            bytes[it->first] = it->second;
    }
    std::printf("%s: %d mutated images, %zu mounted, %zu files read\n", source.name, source.iterations, mounted,
                files_read);
    EXPECT_GT(mounted, 0u);
}

INSTANTIATE_TEST_SUITE_P(, Fuzz,
                         testing::Values(Source{"fat12", 512, "-F 12 -s 1", 10000},
                                         Source{"fat32", 34000, "-F 32 -s 1 -R 8", 10000}),
                         [](const auto &info) { return std::string(info.param.name); });

} // namespace
} // namespace fat_test
