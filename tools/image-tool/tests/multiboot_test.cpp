// The x86_64 mode: the kernel as a 32-bit ELF file for multiboot, on a synthetic kernel laid
// out like seL4 16.0.0's (a physical first segment holding the ELF header and the multiboot
// header, then segments linked high and loaded low).
#include "../multiboot.hpp"

#include <gtest/gtest.h>

#include <cstring>

using namespace image_tool;

namespace {

template <typename T>
T field(const std::vector<std::uint8_t> &bytes, std::size_t offset) {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}

void put_multiboot_header(std::vector<std::uint8_t> &data, std::size_t offset) {
    const std::uint32_t header[3] = {0x1badb002, 3, 0u - (0x1badb002u + 3)};
    std::memcpy(data.data() + offset, header, sizeof header);
}

MultibootInputs inputs() {
    MultibootInputs in;
    in.kernel.name = "kernel.elf";
    in.kernel.machine = elf::machine_x86_64;
    in.kernel.entry = 0x1002f7;
    in.kernel.segments.push_back({0x100000, 0x100000, 0x8000, 6, std::vector<std::uint8_t>(0x34f, 0x11)});
    put_multiboot_header(in.kernel.segments[0].data, 0xe8);
    in.kernel.segments.push_back({0xffffffff8010834f, 0x10834f, 0x6096a1, 7, std::vector<std::uint8_t>(0x830d, 0x22)});
    in.kernel.segments.push_back({0xffffffff8080065c, 0x80065c, 0x2121a4, 7, std::vector<std::uint8_t>(0x2ac22, 0x33)});
    in.kernel.symbols.emplace_back("_start", 0x1002f7);
    in.root_task.name = "root-task.elf";
    in.root_task.machine = elf::machine_x86_64;
    in.root_task.entry = 0x401000;
    in.root_task.segments.push_back({0x400000, 0x400000, 0x2345, 5, std::vector<std::uint8_t>(0x2345, 0x44)});
    in.root_task.segments.push_back({0x403010, 0x403010, 0x9000, 6, std::vector<std::uint8_t>(0x100, 0x55)});
    in.config.sel4_arch = "x86_64";
    return in;
}

std::string error(const MultibootInputs &in) {
    try {
        multiboot_image(in);
    } catch (const LayoutError &e) {
        return e.what();
    } catch (const elf::Error &e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST(Multiboot, KernelAs32BitElfAtItsPhysicalAddresses) {
    const MultibootInputs in = inputs();
    const MultibootImage image = multiboot_image(in);
    const std::vector<std::uint8_t> &out = image.kernel;
    ASSERT_GE(out.size(), 52u);
    EXPECT_EQ(out[4], 1u);  // ELFCLASS32
    EXPECT_EQ(field<std::uint16_t>(out, 18), elf::machine_i386);
    EXPECT_EQ(field<std::uint32_t>(out, 24), 0x1002f7u);
    ASSERT_EQ(field<std::uint16_t>(out, 44), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        const elf::Segment &s = in.kernel.segments[i];
        const std::size_t ph = 52 + 32 * i;
        EXPECT_EQ(field<std::uint32_t>(out, ph + 8), s.physical_address) << "p_vaddr of " << i;
        EXPECT_EQ(field<std::uint32_t>(out, ph + 12), s.physical_address) << "p_paddr of " << i;
        EXPECT_EQ(field<std::uint32_t>(out, ph + 16), s.data.size());
        EXPECT_EQ(field<std::uint32_t>(out, ph + 20), s.memory_size);
        const auto offset = field<std::uint32_t>(out, ph + 4);
        EXPECT_TRUE(std::equal(s.data.begin(), s.data.end(), out.begin() + offset)) << "data of " << i;
    }
    // The multiboot header, 0xe8 into the first segment, is inside the first 8 KiB.
    const auto header = field<std::uint32_t>(out, 52 + 4) + 0xe8;
    EXPECT_LT(header, 8192u);
    EXPECT_EQ(field<std::uint32_t>(out, header), 0x1badb002u);
    // The root task is not in it; its image is 0xd000 bytes from 0x400000.
    EXPECT_EQ(image.root_cnode.image_frames, 13u);
    EXPECT_EQ(image.root_cnode.extra_boot_info, 1u);
}

TEST(Multiboot, RejectsAKernelWithoutMultibootHeaderInItsFirst8KiB) {
    const std::string missing = "kernel.elf: no multiboot header (magic 0x1badb002 and its checksum) in the first 8 KiB "
                                "of the kernel as a 32-bit ELF file";
    MultibootInputs in = inputs();
    std::fill(in.kernel.segments[0].data.begin(), in.kernel.segments[0].data.end(), 0);
    EXPECT_EQ(error(in), missing);
    // The first segment's data lies at file offset 0x1000: a header at 0x1000 + 4084 ends at
    // 8 KiB exactly; one a word later is past it.
    in.kernel.segments[0].data.resize(0x2000);
    put_multiboot_header(in.kernel.segments[0].data, 4088);
    EXPECT_EQ(error(in), missing);
    put_multiboot_header(in.kernel.segments[0].data, 4084);
    EXPECT_EQ(error(in), "(accepted)");
    // A wrong checksum is no header.
    in = inputs();
    in.kernel.segments[0].data[0xe8 + 8] ^= 1;
    EXPECT_EQ(error(in), missing);
}

TEST(Multiboot, RejectsWhatTheKernelWouldRefuse) {
    MultibootInputs in = inputs();
    in.root_task.machine = elf::machine_aarch64;
    EXPECT_EQ(error(in), "root-task.elf: built for aarch64, but the kernel is configured for x86_64");
    in = inputs();
    in.config.sel4_arch = "riscv64";
    EXPECT_EQ(error(in), "kernel.elf: the kernel is configured for riscv64, which boots through the kernel loader, "
                         "not by multiboot");
    in = inputs();
    in.root_task.segments[0].virtual_address = 0x400010;
    EXPECT_EQ(error(in), "root-task.elf: its image starts at 0x400010, not on a page, which seL4 refuses to load");
    in = inputs();
    in.root_task.segments[1].memory_size = 48 << 20;
    EXPECT_NE(error(in).find("root task root-task.elf needs 12292 frames for its image"), std::string::npos) << error(in);
    in = inputs();
    in.kernel.segments[2].physical_address = 0x1'0000'0000;
    EXPECT_EQ(error(in), "kernel.elf: segment 2's physical end 0x1002121a4 does not fit in a 32-bit ELF file");
}
