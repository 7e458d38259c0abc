#include "../elf_file.hpp"

#include <gtest/gtest.h>

#include <cstring>
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

namespace {

template <typename T>
T field(const std::vector<std::uint8_t> &bytes, std::size_t offset) {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

}  // namespace

TEST(Elf32, HeaderAndProgramHeadersInTheirOwnLayout) {
    elf::File f = sample();
    f.machine = elf::machine_i386;
    f.segments[1].virtual_address = 0x403010;  // an offset in its page, which the file offset keeps
    f.segments[1].physical_address = 0x803010;
    const auto bytes = elf::serialize(f, elf::Class::elf32);
    EXPECT_EQ(std::memcmp(bytes.data(), "\x7f" "ELF\x01\x01\x01", 7), 0);
    EXPECT_EQ(field<std::uint16_t>(bytes, 16), 2u);  // ET_EXEC
    EXPECT_EQ(field<std::uint16_t>(bytes, 18), elf::machine_i386);
    EXPECT_EQ(field<std::uint32_t>(bytes, 24), 0x400100u);  // e_entry
    EXPECT_EQ(field<std::uint32_t>(bytes, 28), 52u);        // e_phoff, right after the header
    EXPECT_EQ(field<std::uint16_t>(bytes, 40), 52u);        // e_ehsize
    EXPECT_EQ(field<std::uint16_t>(bytes, 42), 32u);        // e_phentsize
    EXPECT_EQ(field<std::uint16_t>(bytes, 44), 2u);         // e_phnum
    EXPECT_EQ(field<std::uint16_t>(bytes, 48), 0u);         // no sections
    for (std::size_t i = 0; i < 2; ++i) {
        const elf::Segment &s = f.segments[i];
        const std::size_t ph = 52 + 32 * i;
        EXPECT_EQ(field<std::uint32_t>(bytes, ph), 1u);  // PT_LOAD
        const auto offset = field<std::uint32_t>(bytes, ph + 4);
        EXPECT_EQ(field<std::uint32_t>(bytes, ph + 8), s.virtual_address);
        EXPECT_EQ(field<std::uint32_t>(bytes, ph + 12), s.physical_address);
        EXPECT_EQ(field<std::uint32_t>(bytes, ph + 16), s.data.size());
        EXPECT_EQ(field<std::uint32_t>(bytes, ph + 20), s.memory_size);
        EXPECT_EQ(field<std::uint32_t>(bytes, ph + 24), s.flags);
        EXPECT_EQ(field<std::uint32_t>(bytes, ph + 28), 0x1000u);
        EXPECT_EQ(offset % 0x1000, s.virtual_address % 0x1000);
        ASSERT_LE(offset + s.data.size(), bytes.size());
        EXPECT_TRUE(std::equal(s.data.begin(), s.data.end(), bytes.begin() + offset)) << "segment " << i;
    }
    // The first segment's data starts on the page after the headers, as in the 64-bit file.
    EXPECT_EQ(field<std::uint32_t>(bytes, 52 + 4), 0x1000u);
    EXPECT_EQ(bytes.size(), 0x3010u + f.segments[1].data.size());
}

TEST(Elf32, RejectsWhatDoesNotFitIn32Bits) {
    auto expect_error = [](const elf::File &f, const std::string &text) {
        try {
            elf::serialize(f, elf::Class::elf32);
            ADD_FAILURE() << "serialized, expected: " << text;
        } catch (const elf::Error &e) {
            EXPECT_EQ(std::string(e.what()), "sample: " + text);
        }
        EXPECT_NO_THROW(elf::serialize(f));  // what a 64-bit file holds
    };
    elf::File high = sample();
    high.segments[1].virtual_address = 0xffffffff80403000;
    expect_error(high, "segment 1's virtual end 0xffffffff80408000 does not fit in a 32-bit ELF file");
    elf::File entry = sample();
    entry.entry = 0x100000000;
    expect_error(entry, "the entry point 0x100000000 does not fit in a 32-bit ELF file");
    elf::File across = sample();
    across.segments[0].physical_address = 0xfffff000;  // its 8 KiB end past 4 GiB
    expect_error(across, "segment 0's physical end 0x100001000 does not fit in a 32-bit ELF file");
    elf::File top = sample();
    top.segments[0].physical_address = 0xffffe000;  // ends at 4 GiB exactly: fits
    EXPECT_NO_THROW(elf::serialize(top, elf::Class::elf32));
}
