// Reading what sel4-image needs of libsel4/include/kernel/gen_config.json.
#include "../kernel_config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

using namespace image_tool;

namespace {

// The keys every supported world's gen_config.json has, then `extra` ones (a JSON fragment).
std::string config_text(const std::string &arch, const std::string &extra = "") {
    return "{\"SEL4_ARCH\": \"" + arch + "\", \"MAX_NUM_NODES\": \"2\", \"ROOT_CNODE_SIZE_BITS\": \"13\", " +
           "\"MAX_NUM_BOOTINFO_UNTYPED_CAPS\": \"100\", \"KERNEL_MCS\": true" + extra + "}";
}

KernelConfig read(const std::string &text) {
    const std::string path = ::testing::TempDir() + "/gen_config-" + std::to_string(::getpid()) + ".json";
    std::ofstream(path) << text;
    KernelConfig c = read_kernel_config(path);
    ::unlink(path.c_str());
    return c;
}

std::string error(const std::string &text) {
    try {
        read(text);
    } catch (const LayoutError &e) {
        const std::string what = e.what();
        return what.substr(what.find(": ") + 2);  // without the path
    }
    return "(accepted)";
}

}  // namespace

TEST(KernelConfig, ReadsTheRootCNodeLimitsOfEveryArch) {
    const KernelConfig x86 = read(config_text("x86_64"));
    EXPECT_EQ(x86.sel4_arch, "x86_64");
    EXPECT_EQ(x86.num_nodes, 2u);
    EXPECT_EQ(x86.root_cnode_size_bits, 13u);
    EXPECT_EQ(x86.max_untyped_caps, 100u);
    EXPECT_TRUE(x86.mcs);

    const KernelConfig arm = read(config_text("aarch64", ", \"ARM_HYPERVISOR_SUPPORT\": true, \"ARM_PA_SIZE_BITS_40\": true"));
    EXPECT_TRUE(arm.hypervisor);
    EXPECT_EQ(arm.physical_address_bits, 40u);
    EXPECT_EQ(read(config_text("riscv64", ", \"PT_LEVELS\": \"4\"")).pt_levels, 4u);
}

TEST(KernelConfig, RejectsWhatItCannotUse) {
    EXPECT_EQ(error(config_text("arm")), "SEL4_ARCH 'arm' is none that sel4-image boots (aarch64, riscv64, x86_64)");
    EXPECT_EQ(error(config_text("riscv64")), "missing key PT_LEVELS");
    EXPECT_EQ(error(config_text("riscv64", ", \"PT_LEVELS\": \"5\"")), "PT_LEVELS = 5 is out of range");
    EXPECT_EQ(error("{\"SEL4_ARCH\": \"x86_64\", \"MAX_NUM_NODES\": \"1\", \"ROOT_CNODE_SIZE_BITS\": \"40\"}"),
              "ROOT_CNODE_SIZE_BITS = 40 is out of range");
    EXPECT_EQ(error("{\"SEL4_ARCH\": \"x86_64\", \"MAX_NUM_NODES\": \"1\", \"ROOT_CNODE_SIZE_BITS\": \"12\"}"),
              "missing key MAX_NUM_BOOTINFO_UNTYPED_CAPS");
    EXPECT_NE(error("{\"SEL4_ARCH\": \"x86_64\", \"MAX_NUM_NODES\": \"one\"}").find("unexpected value"), std::string::npos);
}
