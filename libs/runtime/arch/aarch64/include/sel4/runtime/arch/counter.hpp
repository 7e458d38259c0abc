/// @file
/// aarch64: the generic timer's count, readable at EL0: the virtual count with
/// KernelArmExportVCNTUser (the aarch64 worlds), else the physical one with
/// KernelArmExportPCNTUser (the Microkit world, as Microkit configures its kernel); its
/// frequency from CNTFRQ_EL0.
#pragma once

#include <sel4/sel4.hpp>

#include <cstdint>

/// What the runtime needs of the arch: its counter, and where a new thread starts.
namespace sel4_runtime::arch {
/// The count now (CNTVCT_EL0 or CNTPCT_EL0, read after an ISB so that it is not read early).
inline std::uint64_t counter() noexcept {
    std::uint64_t value;
#if CPP_SEL4_CONFIG_EXPORT_VCNT_USER
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(value)::"memory");
#else
    asm volatile("isb; mrs %0, cntpct_el0" : "=r"(value)::"memory");
#endif
    return value;
}
/// The counter's frequency in Hz, from CNTFRQ_EL0.
inline std::uint64_t counter_frequency(const sel4::BootInfo &) noexcept {
    std::uint64_t value;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(value));
    return value;
}
} // namespace sel4_runtime::arch
