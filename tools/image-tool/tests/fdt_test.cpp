#include "../fdt.hpp"
#include "fdt_builder.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace image_tool;

TEST(Fdt, ReadsMemoryNode) {
    auto dtb = test_fdt::with_memory(0x40000000, 0x80000000);
    auto memory = fdt_memory(dtb, "virt.dtb");
    ASSERT_EQ(memory.size(), 1u);
    EXPECT_EQ(memory[0].start, 0x40000000u);
    EXPECT_EQ(memory[0].end, 0xc0000000u);
}

TEST(Fdt, OneCellAddresses) {
    test_fdt::Builder b;
    b.begin_node("");
    b.property("#address-cells", {1});
    b.property("#size-cells", {1});
    b.begin_node("memory");
    b.property("reg", {0x1000, 0x2000, 0x10000, 0x1000});
    b.end_node();
    b.end_node();
    auto memory = fdt_memory(b.finish(), "t");
    ASSERT_EQ(memory.size(), 2u);
    EXPECT_EQ(memory[1].start, 0x10000u);
    EXPECT_EQ(memory[1].end, 0x11000u);
}

TEST(Fdt, RejectsBadInputWithName) {
    std::vector<std::uint8_t> junk(64, 0xab);
    try {
        fdt_memory(junk, "junk.dtb");
        FAIL();
    } catch (const FdtError &e) {
        EXPECT_NE(std::string(e.what()).find("junk.dtb: device tree: not a flattened device tree"), std::string::npos);
    }
    test_fdt::Builder b;
    b.begin_node("");
    b.end_node();
    EXPECT_THROW(fdt_memory(b.finish(), "empty"), FdtError);  // no memory node
}

// Runs `read` on 20,000 random mutations of `good` (bytes flipped, sometimes cut short):
// each must parse or throw FdtError, and both must happen.
template <class Read> void expect_mutations_parse_or_reject(const std::vector<std::uint8_t> &good, unsigned seed, Read read) {
    std::mt19937 random(seed);
    int parsed = 0, rejected = 0;
    for (int round = 0; round < 20000; ++round) {
        auto dtb = good;
        int flips = 1 + static_cast<int>(random() % 4);
        for (int i = 0; i < flips; ++i) dtb[random() % dtb.size()] = static_cast<std::uint8_t>(random());
        if (random() % 8 == 0) dtb.resize(random() % dtb.size());
        try {
            read(dtb);
            ++parsed;
        } catch (const FdtError &) {
            ++rejected;
        }
    }
    EXPECT_GT(parsed, 0);
    EXPECT_GT(rejected, 0);
}

// Property: whatever the bytes, the reader returns or throws FdtError; it never
// reads out of bounds (run under the sanitizers or valgrind to see that too).
TEST(Fdt, MutatedTreesNeverCrash) {
    auto good = test_fdt::with_memory(0x80000000, 0x80000000);
    expect_mutations_parse_or_reject(good, 1234, [](const auto &dtb) { fdt_memory(dtb, "mutated"); });
}

TEST(FdtCpus, Aarch64VirtMachine) {
    auto dtb = test_fdt::virt(true, 4, 0x40000000, 0x80000000, "hvc");
    auto info = fdt_cpus(dtb, "virt.dtb");
    ASSERT_EQ(info.cpus.size(), 4u);  // cpu-map and its children are not CPUs
    for (unsigned i = 0; i < 4; ++i) {
        EXPECT_EQ(info.cpus[i].id, i);
        EXPECT_EQ(info.cpus[i].enable_method, "psci");
    }
    EXPECT_EQ(info.psci_method, "hvc");
    EXPECT_EQ(info.timebase_frequency, 0u);
    // The memory reader still sees the memory among all of this.
    auto memory = fdt_memory(dtb, "virt.dtb");
    ASSERT_EQ(memory.size(), 1u);
    EXPECT_EQ(memory[0].end, 0xc0000000u);
}

TEST(FdtCpus, Riscv64VirtMachine) {
    auto info = fdt_cpus(test_fdt::virt(false, 2, 0x80000000, 0x80000000), "virt.dtb");
    ASSERT_EQ(info.cpus.size(), 2u);  // the interrupt controllers' reg does not count
    EXPECT_EQ(info.cpus[0].id, 0u);
    EXPECT_EQ(info.cpus[1].id, 1u);
    EXPECT_EQ(info.cpus[1].enable_method, "");
    EXPECT_EQ(info.timebase_frequency, 10000000u);
    EXPECT_EQ(info.psci_method, "");
}

TEST(FdtCpus, SkipsDisabledAndNonCpuNodesAndReadsTwoCellIds) {
    test_fdt::Builder b;
    b.begin_node("");
    b.begin_node("cpus");
    b.property("#address-cells", {2});
    b.property("#size-cells", {0});
    b.begin_node("cpu@0");  // a hart without S-mode, as on SiFive's U54-MC
    b.string_property("device_type", "cpu");
    b.property("reg", {0, 0});
    b.string_property("status", "disabled");
    b.end_node();
    b.begin_node("cpu@100000001");
    b.property("reg", {1, 1});
    b.string_property("device_type", "cpu");
    b.end_node();
    b.begin_node("l2-cache");
    b.string_property("device_type", "cache");
    b.property("reg", {0, 5});
    b.end_node();
    b.end_node();
    b.end_node();
    auto info = fdt_cpus(b.finish(), "t");
    ASSERT_EQ(info.cpus.size(), 1u);
    EXPECT_EQ(info.cpus[0].id, 0x100000001u);
}

TEST(FdtCpus, RejectsMalformedCpuNodes) {
    auto expect_error = [](const std::vector<std::uint8_t> &dtb, const std::string &message) {
        try {
            fdt_cpus(dtb, "bad.dtb");
            ADD_FAILURE() << "no error, expected: " << message;
        } catch (const FdtError &e) {
            EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
        }
    };
    {
        test_fdt::Builder b;
        b.begin_node("");
        b.begin_node("cpus");
        b.property("#address-cells", {1});
        b.begin_node("cpu@0");
        b.string_property("device_type", "cpu");
        b.property("reg", {0, 0});
        b.end_node();
        b.end_node();
        b.end_node();
        expect_error(b.finish(), "bad.dtb: device tree: reg of /cpus/cpu@0 is 8 bytes, expected 4");
    }
    {
        test_fdt::Builder b;
        b.begin_node("");
        b.begin_node("cpus");
        b.begin_node("cpu@0");
        b.string_property("device_type", "cpu");
        b.end_node();
        b.end_node();
        b.end_node();
        expect_error(b.finish(), "CPU node /cpus/cpu@0 has no reg");
    }
}

// Property: like the memory reader, the CPU reader never crashes on mutated input.
TEST(FdtCpus, MutatedTreesNeverCrash) {
    auto good = test_fdt::virt(true, 2, 0x40000000, 0x80000000);
    expect_mutations_parse_or_reject(good, 4321, [](const auto &dtb) { fdt_cpus(dtb, "mutated"); });
}
