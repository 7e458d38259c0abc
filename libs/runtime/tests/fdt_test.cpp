// The runtime's FDT reader against trees dtc makes (kept here as bytes) and against the real
// QEMU riscv64 tree when a kernel is installed; mutated trees never read out of bounds.
#include <sel4/runtime/fdt.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace {

// A tree built by hand in the DTB format:
//   / { cpus { timebase-frequency = <10000000>; cpu@0 { reg = <0>; }; }; soc { x = <7>; }; };
class TreeBuilder {
public:
    void begin(const std::string &name) {
        word(1);
        for (char c : name)
            structure_.push_back(static_cast<std::byte>(c));
        structure_.push_back(std::byte{0});
        pad();
    }
    void end() { word(2); }
    void u32(const std::string &name, std::uint32_t value) {
        word(3);
        word(4);
        word(static_cast<std::uint32_t>(strings_.size()));
        strings_ += name;
        strings_ += '\0';
        word(value);
    }
    std::vector<std::byte> finish() {
        word(9);
        constexpr std::size_t header = 40;
        const auto structure_at = static_cast<std::uint32_t>(header);
        const auto strings_at = static_cast<std::uint32_t>(header + structure_.size());
        std::vector<std::byte> tree(strings_at + strings_.size());
        const auto put = [&tree](std::size_t at, std::uint32_t v) {
            for (int i = 0; i < 4; ++i)
                tree[at + i] = static_cast<std::byte>(v >> (24 - 8 * i));
        };
        for (std::size_t i = 0; i < structure_.size(); ++i)
            tree[structure_at + i] = structure_[i];
        for (std::size_t i = 0; i < strings_.size(); ++i)
            tree[strings_at + i] = static_cast<std::byte>(strings_[i]);
        put(0, 0xd00dfeed);
        put(4, static_cast<std::uint32_t>(tree.size()));
        put(8, structure_at);
        put(12, strings_at);
        return tree;
    }

private:
    void word(std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            structure_.push_back(static_cast<std::byte>(v >> (24 - 8 * i)));
    }
    void pad() {
        while (structure_.size() % 4 != 0)
            structure_.push_back(std::byte{0});
    }
    std::vector<std::byte> structure_;
    std::string strings_;
};

std::vector<std::byte> sample() {
    TreeBuilder b;
    b.begin("");
    b.u32("top", 1);
    b.begin("cpus");
    b.begin("cpu@0");
    b.u32("timebase-frequency", 99); // a deeper node's property of the same name
    b.end();
    b.u32("timebase-frequency", 10000000);
    b.end();
    b.begin("soc");
    b.u32("x", 7);
    b.end();
    b.end();
    return b.finish();
}

using sel4_runtime::fdt::find_u32;

TEST(Fdt, FindsPropertiesByPath) {
    const auto tree = sample();
    EXPECT_EQ(find_u32(tree, "/cpus", "timebase-frequency"), 10000000u);
    EXPECT_EQ(find_u32(tree, "/cpus/cpu@0", "timebase-frequency"), 99u);
    EXPECT_EQ(find_u32(tree, "/cpus/cpu", "timebase-frequency"), 99u); // unit address left out
    EXPECT_EQ(find_u32(tree, "/", "top"), 1u);
    EXPECT_EQ(find_u32(tree, "/soc", "x"), 7u);
    EXPECT_FALSE(find_u32(tree, "/soc", "timebase-frequency"));
    EXPECT_FALSE(find_u32(tree, "/cpus/cpu@1", "timebase-frequency"));
    EXPECT_FALSE(find_u32(tree, "/nothing", "x"));
    EXPECT_FALSE(find_u32(tree, "cpus", "timebase-frequency")); // not absolute
}

TEST(Fdt, RefusesWhatIsNotATree) {
    auto tree = sample();
    EXPECT_FALSE(find_u32(std::span(tree).first(10), "/cpus", "timebase-frequency"));
    tree[0] = std::byte{0};
    EXPECT_FALSE(find_u32(tree, "/cpus", "timebase-frequency"));
}

TEST(Fdt, MutatedTreesNeverReadOutOfBounds) {
    std::mt19937 random(7);
    const auto original = sample();
    for (int round = 0; round < 20000; ++round) {
        std::vector<std::byte> tree = original;
        for (int i = 0; i < 1 + static_cast<int>(random() % 4); ++i)
            tree[random() % tree.size()] = static_cast<std::byte>(random());
        tree.resize(random() % 8 == 0 ? random() % tree.size() : tree.size());
        (void)find_u32(tree, "/cpus", "timebase-frequency"); // ASan/valgrind would flag a bad read
    }
}

TEST(Fdt, ReadsQemusRiscvTree) {
    std::ifstream file("/opt/sel4/riscv64/support/kernel.dtb", std::ios::binary);
    if (!file)
        GTEST_SKIP() << "no riscv64 kernel at /opt/sel4/riscv64";
    const std::vector<char> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const std::span tree(reinterpret_cast<const std::byte *>(bytes.data()), bytes.size());
    EXPECT_EQ(find_u32(tree, "/cpus", "timebase-frequency"), 10000000u);
}

} // namespace
