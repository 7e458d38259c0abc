#include "root_cnode.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <vector>

namespace image_tool {

namespace {

// seL4_NumInitialCaps in 16.0.0's libsel4 (sel4/bootinfo_types.h), the same on every arch.
constexpr std::uint64_t num_initial_caps = 16;

// The header of each extra BootInfo chunk (seL4_BootInfoHeader).
constexpr std::uint64_t boot_info_header = 16;

// x86_64's extra BootInfo (init_sys_state) holds at most the VBE block (800 bytes), the ACPI
// RSDP (header + 36), the framebuffer (header + 22), the multiboot memory map (1220) and the
// TSC frequency (header + 4), and at least the last two: always one page.
constexpr std::uint64_t x86_64_extra_boot_info =
    800 + (boot_info_header + 36) + (boot_info_header + 22) + 1220 + (boot_info_header + 4);
static_assert(x86_64_extra_boot_info <= page);

// The sizes, as address bits, that one paging structure of each level below the VSpace root
// covers (arch_get_n_paging).
std::vector<unsigned> paging_levels(const KernelConfig &config) {
    if (config.sel4_arch == "riscv64") {  // CONFIG_PT_LEVELS - 1 levels below the root
        std::vector<unsigned> levels;
        for (unsigned level = 0; level + 1 < config.pt_levels; ++level)
            levels.push_back(12 + 9 * (config.pt_levels - 1 - level));
        return levels;
    }
    // aarch64 at EL2 with 40-bit physical addresses starts the stage-2 tables at level 1
    // (AARCH64_VSPACE_S2_START_L1): a level fewer.
    if (config.sel4_arch == "aarch64" && config.hypervisor && config.physical_address_bits == 40) return {30, 21};
    return {39, 30, 21};  // aarch64, x86_64: PUD/PDPT, PD, PT
}

std::string mib(std::uint64_t frames) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(frames * page) / (1 << 20));
    return text;
}

}  // namespace

std::uint64_t RootCNodeSlots::used() const {
    return initial_caps + paging + extra_boot_info + sched_control + image_frames + untyped;
}

RootCNodeSlots root_cnode_slots(const KernelConfig &config, Range image, std::uint64_t dtb_size) {
    RootCNodeSlots s{};
    s.slots = std::uint64_t{1} << config.root_cnode_size_bits;
    s.initial_caps = num_initial_caps;

    // The extra BootInfo lies in a power-of-two region of at least a page
    // (calculate_extra_bi_size_bits). Arm and RISC-V map the frames that its bytes (the
    // device tree behind a header) touch; x86_64 maps the whole region.
    const bool x86_64 = config.sel4_arch == "x86_64";
    const std::uint64_t extra_bytes = x86_64 ? x86_64_extra_boot_info : dtb_size > 0 ? boot_info_header + dtb_size : 0;
    const std::uint64_t extra_region = extra_bytes > 0 ? std::bit_ceil(std::max(extra_bytes, page)) : 0;
    s.extra_boot_info = (x86_64 ? extra_region : align_up(extra_bytes, page)) / page;

    // The root task's address space covers its image, the IPC buffer and BootInfo frames
    // after it, then the extra BootInfo region (it_v_reg).
    const std::uint64_t end = image.end + 2 * page + extra_region;
    for (unsigned bits : paging_levels(config)) {
        const std::uint64_t size = std::uint64_t{1} << bits;
        s.paging += (align_up(end, size) - align_down(image.start, size)) >> bits;
    }

    if (config.mcs) s.sched_control = config.num_nodes;
    s.image_frames = (image.end - image.start) / page;
    // The kernel makes an untyped cap for each power-of-two block of free and device memory,
    // as many as the physical memory map at boot splits into (seL4 reserves what it finds at
    // run time: device regions of the platform, its own boot-time memory, the root task's
    // objects), and keeps at most MAX_NUM_BOOTINFO_UNTYPED_CAPS; a cap that does not fit
    // halts the boot too. That number is the only bound known before boot, so it is counted
    // whole: the check is exact but for the untypeds the kernel does not make. (Booted in
    // QEMU near the limit, seL4 made about 70 on aarch64's virt machine and 88 on x86_64's pc
    // with 512 MiB, of the 230 of the default configuration: the largest image that booted
    // had 3999 and 3981 frames, where this count allows 3838 and 3839.)
    s.untyped = config.max_untyped_caps;
    return s;
}

RootCNodeSlots check_root_cnode(const KernelConfig &config, const std::string &root_task_name, Range image,
                                std::uint64_t dtb_size) {
    const RootCNodeSlots s = root_cnode_slots(config, image, dtb_size);
    if (s.used() <= s.slots) return s;

    // The largest image that would fit, from the same start (its paging grows with it).
    std::uint64_t low = 0, high = s.image_frames;  // the answer lies in [low, high)
    while (high - low > 1) {
        const std::uint64_t frames = low + (high - low) / 2;
        if (root_cnode_slots(config, {image.start, image.start + frames * page}, dtb_size).used() <= s.slots)
            low = frames;
        else
            high = frames;
    }
    const std::uint64_t others = s.used() - s.image_frames;
    const std::string bits = std::to_string(config.root_cnode_size_bits);
    std::string taken = std::to_string(s.initial_caps) + " initial caps, " + std::to_string(s.paging) +
                        " paging structures, " + std::to_string(s.extra_boot_info) + " extra BootInfo frame(s), ";
    if (s.sched_control) taken += std::to_string(s.sched_control) + " SchedControl caps, ";
    taken += "and up to " + std::to_string(s.untyped) + " untypeds (MAX_NUM_BOOTINFO_UNTYPED_CAPS=" +
             std::to_string(config.max_untyped_caps) + ")";
    const bool any_fits = root_cnode_slots(config, {image.start, image.start}, dtb_size).used() <= s.slots;
    throw LayoutError("root task " + root_task_name + " needs " + std::to_string(s.image_frames) +
                      " frames for its image (" + mib(s.image_frames) + "), but the kernel's root CNode has 2^" + bits +
                      " = " + std::to_string(s.slots) + " slots (ROOT_CNODE_SIZE_BITS=" + bits + "; " +
                      std::to_string(others) + " are taken by " + taken + "): " +
                      (any_fits ? "an image of at most " + std::to_string(low) + " frames (" + mib(low) + ") fits"
                                : "no image fits"));
}

}  // namespace image_tool
