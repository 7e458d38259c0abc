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

// Property: whatever the bytes, the reader returns or throws FdtError; it never
// reads out of bounds (run under the sanitizers or valgrind to see that too).
TEST(Fdt, MutatedTreesNeverCrash) {
    auto good = test_fdt::with_memory(0x80000000, 0x80000000);
    std::mt19937 random(1234);
    int parsed = 0, rejected = 0;
    for (int round = 0; round < 20000; ++round) {
        auto dtb = good;
        int flips = 1 + static_cast<int>(random() % 4);
        for (int i = 0; i < flips; ++i) dtb[random() % dtb.size()] = static_cast<std::uint8_t>(random());
        if (random() % 8 == 0) dtb.resize(random() % dtb.size());
        try {
            fdt_memory(dtb, "mutated");
            ++parsed;
        } catch (const FdtError &) {
            ++rejected;
        }
    }
    EXPECT_GT(parsed, 0);
    EXPECT_GT(rejected, 0);
}
