// Checks a spec before anything is built from it: every problem, each naming the object by its
// index and name ("object 5 'tcb_pd': slot 4: ..."), so that a tool can report them all at once.
// An empty result means the spec is consistent (and fits the kernel, when one is given).
#pragma once

#include <sel4/capdl/spec.hpp>

#include <string>
#include <vector>

namespace sel4::capdl {

// The number of entries of a paging structure on the 64-bit arches (9 bits a level).
inline constexpr std::uint32_t page_table_entries = 512;

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
};

// Every problem of `spec`: the rules of every configuration and, with `kernel`, those of that
// kernel (its arch's objects, page sizes and paging levels, MCS or not, its cores and domains).
std::vector<std::string> validate(const Spec &spec, const KernelConfig *kernel = nullptr);

} // namespace sel4::capdl
