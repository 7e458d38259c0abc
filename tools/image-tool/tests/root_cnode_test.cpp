// The root CNode's accounting, against numbers worked out by hand from seL4 16.0.0's boot
// code for configurations like the supported worlds'.
#include "../root_cnode.hpp"

#include <gtest/gtest.h>

using namespace image_tool;

namespace {

constexpr std::uint64_t start = 0x400000;  // 2 MiB-aligned, like a root task linked at 0x400000

Range frames(std::uint64_t count, std::uint64_t from = start) { return {from, from + count * page}; }

KernelConfig config(const std::string &arch) {
    KernelConfig c;
    c.sel4_arch = arch;
    c.hypervisor = arch == "aarch64";
    return c;
}

std::string error(const KernelConfig &c, Range image, std::uint64_t dtb_size) {
    try {
        check_root_cnode(c, "rt.elf", image, dtb_size);
    } catch (const LayoutError &e) {
        return e.what();
    }
    return "(accepted)";
}

bool boots(const KernelConfig &c, Range image, std::uint64_t dtb_size) { return error(c, image, dtb_size) == "(accepted)"; }

}  // namespace

TEST(RootCNode, Aarch64CountsEveryCap) {
    // A device tree of 8176 bytes is 8 KiB of extra BootInfo with its header: two frames.
    // The address space spans the image, the IPC buffer, the BootInfo and those 2 frames:
    // one PUD, one PD and ceil((frames + 4) / 512) page tables.
    RootCNodeSlots s = root_cnode_slots(config("aarch64"), frames(1000), 8176);
    EXPECT_EQ(s.slots, 4096u);
    EXPECT_EQ(s.initial_caps, 16u);
    EXPECT_EQ(s.extra_boot_info, 2u);
    EXPECT_EQ(s.paging, 1u + 1u + 2u);
    EXPECT_EQ(s.sched_control, 0u);
    EXPECT_EQ(s.image_frames, 1000u);
    EXPECT_EQ(s.untyped, 230u);
    EXPECT_EQ(s.used(), 16u + 4u + 2u + 1000u + 230u);
    // A byte more of device tree is a third frame, and a 16 KiB region.
    EXPECT_EQ(root_cnode_slots(config("aarch64"), frames(1000), 8177).extra_boot_info, 3u);
}

TEST(RootCNode, Aarch64Boundary) {
    // 16 + 1 + 1 + ceil((F + 4) / 512) + 2 + F + 230 <= 4096: F = 3838 (8 page tables).
    EXPECT_TRUE(boots(config("aarch64"), frames(3838), 8176));
    EXPECT_FALSE(boots(config("aarch64"), frames(3839), 8176));
}

TEST(RootCNode, Riscv64Boundary) {
    // Sv39: no level above the 1 GiB one. 16 + 1 + ceil((F + 4) / 512) + 2 + F + 230 <= 4096.
    EXPECT_TRUE(boots(config("riscv64"), frames(3839), 7832));
    EXPECT_FALSE(boots(config("riscv64"), frames(3840), 7832));
    KernelConfig sv48 = config("riscv64");
    sv48.pt_levels = 4;
    EXPECT_EQ(root_cnode_slots(sv48, frames(3839), 7832).paging, root_cnode_slots(config("riscv64"), frames(3839), 7832).paging + 1);
}

TEST(RootCNode, X86_64Boundary) {
    // The extra BootInfo is one page whatever the machine: 16 + 1 + 1 + ceil((F + 3) / 512) + 1 + F + 230 <= 4096.
    EXPECT_EQ(root_cnode_slots(config("x86_64"), frames(10), 0).extra_boot_info, 1u);
    EXPECT_TRUE(boots(config("x86_64"), frames(3839), 0));
    EXPECT_FALSE(boots(config("x86_64"), frames(3840), 0));
}

TEST(RootCNode, PagingFollowsTheAddressSpace) {
    // One frame just below 4 MiB: the IPC buffer and BootInfo frames reach into the next 2 MiB.
    EXPECT_EQ(root_cnode_slots(config("x86_64"), frames(1, 0x3ff000), 0).paging, 1u + 1u + 2u);
    // 512 frames below 1 GiB: the rest crosses into the next GiB, a second PD and page table.
    EXPECT_EQ(root_cnode_slots(config("x86_64"), frames(512, 0x3fe00000), 0).paging, 1u + 2u + 2u);
    // aarch64 at EL2 with 40-bit physical addresses has no PUD level.
    KernelConfig pa40 = config("aarch64");
    pa40.physical_address_bits = 40;
    EXPECT_EQ(root_cnode_slots(pa40, frames(1000), 8176).paging, 1u + 2u);
    pa40.hypervisor = false;
    EXPECT_EQ(root_cnode_slots(pa40, frames(1000), 8176).paging, 1u + 1u + 2u);
}

TEST(RootCNode, McsAndConfiguredLimits) {
    KernelConfig c = config("aarch64");
    c.mcs = true;
    c.num_nodes = 2;
    EXPECT_EQ(root_cnode_slots(c, frames(3836), 8176).sched_control, 2u);
    EXPECT_TRUE(boots(c, frames(3836), 8176));
    EXPECT_FALSE(boots(c, frames(3837), 8176));
    c = config("aarch64");
    c.root_cnode_size_bits = 13;
    c.max_untyped_caps = 100;
    EXPECT_EQ(root_cnode_slots(c, frames(1), 8176).slots, 8192u);
    EXPECT_EQ(root_cnode_slots(c, frames(1), 8176).untyped, 100u);
}

TEST(RootCNode, ErrorNamesBothNumbers) {
    // 48 MiB and two pages, the example of a root task that seL4 builds and then halts on.
    EXPECT_EQ(error(config("aarch64"), frames(12290), 8176),
              "root task rt.elf needs 12290 frames for its image (48.0 MiB), but the kernel's root CNode has "
              "2^12 = 4096 slots (ROOT_CNODE_SIZE_BITS=12; 275 are taken by 16 initial caps, 27 paging structures, "
              "2 extra BootInfo frame(s), and up to 230 untypeds (MAX_NUM_BOOTINFO_UNTYPED_CAPS=230)): "
              "an image of at most 3838 frames (15.0 MiB) fits");
    KernelConfig c = config("x86_64");
    c.mcs = true;
    c.root_cnode_size_bits = 7;
    EXPECT_EQ(error(c, frames(1), 0),
              "root task rt.elf needs 1 frames for its image (0.0 MiB), but the kernel's root CNode has 2^7 = 128 "
              "slots (ROOT_CNODE_SIZE_BITS=7; 251 are taken by 16 initial caps, 3 paging structures, 1 extra "
              "BootInfo frame(s), 1 SchedControl caps, and up to 230 untypeds (MAX_NUM_BOOTINFO_UNTYPED_CAPS=230)): "
              "no image fits");
}
