// The root task's CNode at boot. seL4 gives the root task a CNode of 2^ROOT_CNODE_SIZE_BITS
// slots and fills it with the caps of everything it made for it; when they do not all fit,
// the kernel halts at boot ("can't add another cap, all 4096 (=2^CONFIG_ROOT_CNODE_SIZE_BITS)
// slots used"). The image tool counts them as seL4 16.0.0 does and refuses such a root task
// at build time instead.
#pragma once

#include "fdt.hpp"
#include "kernel_config.hpp"

#include <cstdint>
#include <string>

namespace image_tool {

// The caps seL4 16.0.0's boot code (src/kernel/boot.c, try_init_kernel in
// src/arch/{arm,riscv}/kernel/boot.c, init_sys_state in src/arch/x86/kernel/boot.c,
// create_it_address_space in src/arch/*/kernel/vspace.c) puts into the root CNode.
struct RootCNodeSlots {
    std::uint64_t slots;            // 2^ROOT_CNODE_SIZE_BITS
    std::uint64_t initial_caps;     // seL4_NumInitialCaps, the fixed slots (TCB, CNode, VSpace, ...)
    std::uint64_t paging;           // the paging structures below the VSpace root that map the root task
    std::uint64_t extra_boot_info;  // the extra BootInfo's frames (the device tree; x86's boot data)
    std::uint64_t sched_control;    // MCS: one SchedControl per node
    std::uint64_t image_frames;     // one per 4 KiB frame of the root task's image
    std::uint64_t untyped;          // at most MAX_NUM_BOOTINFO_UNTYPED_CAPS (see root_cnode.cpp)

    std::uint64_t used() const;
};

// The root CNode of the kernel configured by `config` for a root task whose image spans the
// page-aligned virtual range `image` (user_image), with a device tree of dtb_size bytes
// (0 for none: x86_64).
RootCNodeSlots root_cnode_slots(const KernelConfig &config, Range image, std::uint64_t dtb_size);

// The same, and a LayoutError naming the numbers when the caps do not fit.
RootCNodeSlots check_root_cnode(const KernelConfig &config, const std::string &root_task_name, Range image,
                                std::uint64_t dtb_size);

}  // namespace image_tool
