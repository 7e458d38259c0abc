// Checks a spec before anything is built from it: every problem, each naming the object by its
// index and name ("object 5 'tcb_pd': slot 4: ..."), so that a tool can report them all at once.
// An empty result means the spec is consistent (and fits the kernel, when one is given).
#pragma once

#include <sel4/capdl/spec.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace sel4::capdl {

// The entries of a paging structure below the VSpace root on the 64-bit arches (9 bits a
// level), and the most a root has on any of them (aarch64's 40-bit stage-2 root).
inline constexpr std::uint32_t page_table_entries = 512;
inline constexpr std::uint32_t max_root_entries = 1024;

// What of a kernel's configuration (its gen_config.json, read by read_kernel_config in
// sel4/capdl/json.hpp) decides whether a spec fits it.
struct KernelConfig {
    std::string arch = "aarch64"; // SEL4_ARCH: aarch64, riscv64 or x86_64
    bool mcs = false;             // KERNEL_MCS
    bool hypervisor = false;      // ARM_HYPERVISOR_SUPPORT
    bool huge_pages = false;      // HUGE_PAGE (x86_64's 1 GiB pages)
    unsigned pt_levels = 4;       // the VSpace's levels (riscv64: PT_LEVELS)
    unsigned num_nodes = 1;       // MAX_NUM_NODES
    unsigned num_domains = 1;     // NUM_DOMAINS
    unsigned timer_tick_ms = 2;   // TIMER_TICK_MS: a non-MCS kernel's tick, the unit of its domain schedule
    unsigned root_index_bits = 9; // the VSpace root's (10: AARCH64_VSPACE_S2_START_L1)
    unsigned tcb_bits = 11;       // seL4_TCBBits

    // Paging, level 0 being the VSpace root: the index bits of a table at `level`, and the
    // bits of address that one of its entries maps.
    unsigned index_bits(unsigned level) const { return level == 0 ? root_index_bits : 9; }
    unsigned mapped_bits(unsigned level) const { return 12 + 9 * (pt_levels - 1 - level); }
    // The arch's frame sizes, as bits.
    std::vector<unsigned> frame_sizes() const {
        if (arch == "x86_64" && !huge_pages) return {12, 21};
        return {12, 21, 30};
    }
    // The level whose entries map frames of 2^size_bits bytes; nullopt when the arch has no
    // such frames or its VSpace no such level.
    std::optional<unsigned> frame_level(unsigned size_bits) const {
        const auto sizes = frame_sizes();
        if (std::find(sizes.begin(), sizes.end(), size_bits) == sizes.end()) return std::nullopt;
        for (unsigned level = 0; level < pt_levels; ++level) {
            if (mapped_bits(level) == size_bits) return level;
        }
        return std::nullopt;
    }
    ObjectSizes object_sizes() const { return {tcb_bits, mcs ? 6u : 5u, root_index_bits + 3}; }
};

// Every problem of `spec`: the rules of every configuration and, with `kernel`, those of that
// kernel (its arch's objects, page sizes and paging levels, MCS or not, its cores and domains).
std::vector<std::string> validate(const Spec &spec, const KernelConfig *kernel = nullptr);

} // namespace sel4::capdl
