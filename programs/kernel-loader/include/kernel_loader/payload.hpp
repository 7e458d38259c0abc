// The payload that the host image tool attaches to the kernel loader, and
// that the loader reads at __payload_start. Shared by both sides: plain
// fixed-width fields, little-endian (both targets are), no pointers.
//
// Layout, from __payload_start (4 KiB aligned):
//   Header | Region[region_count] | std::uint64_t cpu_ids[cpu_count] | padding to 4 KiB
//   | page tables | region data
// Every address is physical. The page tables are used in place; regions are
// copied (then zero-filled to mem_size) to their destination, in order.
#pragma once

#include <cstdint>

namespace kernel_loader {

inline constexpr std::uint64_t payload_magic = 0x4c34'6c65'7370'7063;  // "cppsel4L" as a little-endian word
inline constexpr std::uint32_t payload_version = 2;

enum class TranslationMode : std::uint32_t {
    aarch64_el2 = 1,  // kernel runs at EL2 (hypervisor support): one table in TTBR0_EL2
    aarch64_el1 = 2,  // kernel runs at EL1: identity in TTBR0_EL1, kernel window in TTBR1_EL1
    riscv64_sv39 = 3, // S-mode, Sv39: one root table in satp
};

// aarch64: how to call PSCI from EL1, as the device tree's /psci method says.
// From EL2 the loader always uses SMC: HVC would trap to EL2 itself.
enum class PsciMethod : std::uint32_t {
    none = 0,
    smc = 1,
    hvc = 2,
};

// The arguments of seL4's init_kernel, in register order (x0-x5 / a0-a5).
struct KernelArguments {
    std::uint64_t user_image_start;  // physical start of the root task's image
    std::uint64_t user_image_end;    // physical end (exclusive)
    std::uint64_t pv_offset;         // physical minus virtual address of the root task's image
    std::uint64_t user_entry;        // the root task's virtual entry point
    std::uint64_t dtb_start;         // physical address of the device tree, or 0
    std::uint64_t dtb_size;
};

struct Header {
    std::uint64_t magic;
    std::uint32_t version;
    std::uint32_t region_count;
    TranslationMode mode;
    std::uint32_t num_nodes;           // cores to start (the kernel's MAX_NUM_NODES)
    std::uint64_t kernel_entry;        // virtual
    std::uint64_t table_root;          // physical root of the page tables (TTBR0 / Sv39 root)
    std::uint64_t table_root_high;     // aarch64_el1: TTBR1_EL1 root; otherwise 0
    std::uint64_t tcr;                 // aarch64: TCR_ELx value; otherwise 0
    std::uint64_t mair;                // aarch64: MAIR_ELx value; otherwise 0
    KernelArguments kernel_arguments;
    // The CPUs of the device tree, whose ids follow the region table:
    // MPIDR affinity fields (aarch64) or hart ids (riscv64). With more than one
    // node the loader starts num_nodes - 1 of them besides its own CPU.
    std::uint32_t cpu_count;
    PsciMethod psci_method;            // aarch64; none elsewhere
    std::uint64_t timer_frequency;     // riscv64: rdtime ticks per second (timebase-frequency); aarch64: 0 (CNTFRQ_EL0)
};

struct Region {
    std::uint64_t destination;   // physical
    std::uint64_t data_offset;   // from __payload_start
    std::uint64_t data_size;
    std::uint64_t memory_size;   // >= data_size; the rest is zero-filled
};

static_assert(sizeof(Header) == 128 && sizeof(Region) == 32, "the payload layout is fixed");

}  // namespace kernel_loader
