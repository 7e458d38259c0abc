// What the image tool knows of the kernel it builds for, and of the root task, in both of its
// modes (the kernel loader's image, multiboot).
#pragma once

#include "../elf/elf_file.hpp"
#include "fdt.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace image_tool {

struct LayoutError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

using elf::hex;

inline constexpr std::uint64_t page = 4096;
constexpr std::uint64_t align_up(std::uint64_t v, std::uint64_t a) { return (v + a - 1) & ~(a - 1); }
constexpr std::uint64_t align_down(std::uint64_t v, std::uint64_t a) { return v & ~(a - 1); }

// What the image tool needs to know of the kernel's configuration.
struct KernelConfig {
    std::string sel4_arch;  // aarch64, riscv64, x86_64
    bool hypervisor = false;
    unsigned physical_address_bits = 44;
    unsigned num_nodes = 1;
    unsigned root_cnode_size_bits = 12;
    unsigned max_untyped_caps = 230;  // MAX_NUM_BOOTINFO_UNTYPED_CAPS
    bool mcs = false;
    unsigned pt_levels = 3;  // riscv64: Sv39
};
// Reads libsel4/include/kernel/gen_config.json.
KernelConfig read_kernel_config(const std::string &path);
// The same from its text; `path` names it in errors.
KernelConfig parse_kernel_config(std::string_view text, const std::string &path);

// Checks that each file is built for the machine the kernel is configured for.
void check_machines(const KernelConfig &config, const std::vector<const elf::File *> &files);

// The range of (physical or virtual) addresses that a file's segments occupy.
Range extent(const elf::File &file, bool physical);

// The page-aligned range of virtual addresses that the root task's image spans: the memory
// that seL4 gives it, frame by frame.
Range user_image(const elf::File &root_task);

}  // namespace image_tool
