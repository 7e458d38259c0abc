// Planning a bootable image: where the kernel, the root task and the DTB go
// in physical memory, the boot page tables, and the payload that tells the
// loader all of it (programs/kernel-loader/include/kernel_loader/payload.hpp).
#pragma once

#include "../elf/elf_file.hpp"
#include "fdt.hpp"
#include "kernel_config.hpp"
#include "root_cnode.hpp"

#include <kernel_loader/payload.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace image_tool {

struct Inputs {
    elf::File loader;
    elf::File kernel;
    elf::File root_task;
    std::vector<std::uint8_t> dtb;
    std::string dtb_name;
    KernelConfig config;
};

struct Placement {
    std::string what;
    std::uint64_t start, end;  // physical, end exclusive
};

struct Plan {
    std::uint64_t payload_address;
    std::vector<std::uint8_t> payload;
    kernel_loader::Header header;
    std::vector<Placement> placements;  // everything placed in physical memory
    RootCNodeSlots root_cnode;          // what the kernel will put into the root task's CNode
    elf::File image;                    // the loader plus the payload segment
};

Plan plan(const Inputs &inputs);

}  // namespace image_tool
