#include "../elf_file.hpp"

#include <gtest/gtest.h>

#include <random>

namespace {

elf::File sample() {
    elf::File f;
    f.name = "sample";
    f.machine = elf::machine_aarch64;
    f.entry = 0x400100;
    f.segments.push_back({0x400000, 0x400000, 0x2000, 5, std::vector<std::uint8_t>(0x1800, 0x11)});
    f.segments.push_back({0x403000, 0x403000, 0x5000, 6, std::vector<std::uint8_t>(0x10, 0x22)});
    return f;
}

}  // namespace

TEST(Elf, SerializeThenParseRoundTrips) {
    auto bytes = elf::serialize(sample());
    auto f = elf::parse(bytes, "round-trip");
    EXPECT_EQ(f.machine, elf::machine_aarch64);
    EXPECT_EQ(f.entry, 0x400100u);
    ASSERT_EQ(f.segments.size(), 2u);
    EXPECT_EQ(f.segments[1].virtual_address, 0x403000u);
    EXPECT_EQ(f.segments[1].memory_size, 0x5000u);
    EXPECT_EQ(f.segments[1].data, std::vector<std::uint8_t>(0x10, 0x22));
    EXPECT_EQ(f.segments[0].data.size(), 0x1800u);
}

TEST(Elf, ClearErrors) {
    auto expect_error = [](std::vector<std::uint8_t> bytes, const std::string &text) {
        try {
            elf::parse(bytes, "input.elf");
            ADD_FAILURE() << "accepted input, expected: " << text;
        } catch (const elf::Error &e) {
            EXPECT_NE(std::string(e.what()).find("input.elf: " + text), std::string::npos) << e.what();
        }
    };
    expect_error({'h', 'e', 'l', 'l', 'o'}, "not an ELF file");
    auto good = elf::serialize(sample());
    auto thirty_two = good;
    thirty_two[4] = 1;
    expect_error(thirty_two, "not a 64-bit ELF file");
    auto truncated = good;
    truncated.resize(200);
    expect_error(truncated, "segment data at offset");
    auto shared_object = good;
    shared_object[16] = 3;
    expect_error(shared_object, "not an executable");
}

// Property: arbitrary corruption yields a File or an elf::Error, never a crash.
TEST(Elf, MutatedFilesNeverCrash) {
    auto good = elf::serialize(sample());
    std::mt19937 random(99);
    int parsed = 0, rejected = 0;
    for (int round = 0; round < 5000; ++round) {
        auto bytes = good;
        for (int i = 0; i < 3; ++i) bytes[random() % 400] = static_cast<std::uint8_t>(random());
        if (random() % 8 == 0) bytes.resize(random() % bytes.size());
        try {
            elf::parse(bytes, "mutated");
            ++parsed;
        } catch (const elf::Error &) {
            ++rejected;
        }
    }
    EXPECT_GT(parsed, 0);
    EXPECT_GT(rejected, 0);
}
