// x86_64 boots by multiboot: the boot loader (QEMU's -kernel, GRUB) loads the kernel from an
// ELF file at its physical addresses, and the root task, a module (QEMU's -initrd), stays a
// file of its own that the kernel loads itself. QEMU's loader takes only 32-bit ELF files.
#pragma once

#include "../elf/elf_file.hpp"
#include "kernel_config.hpp"
#include "root_cnode.hpp"

#include <cstdint>
#include <vector>

namespace image_tool {

struct MultibootInputs {
    elf::File kernel;
    elf::File root_task;
    KernelConfig config;
};

struct MultibootImage {
    std::vector<std::uint8_t> kernel;  // the kernel as a 32-bit (i386) ELF file
    RootCNodeSlots root_cnode;         // what the kernel will put into the root task's CNode
};

// Converts the kernel, checking that a multiboot loader can load it, and checks the root
// task as the kernel will.
MultibootImage multiboot_image(const MultibootInputs &inputs);

}  // namespace image_tool
