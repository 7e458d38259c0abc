/// @file
/// aarch64: the generic timer's virtual count, readable at EL0 with KernelArmExportVCNTUser
/// (every aarch64 world sets it), and its frequency from CNTFRQ_EL0.
#pragma once

#include <sel4/sel4.hpp>

#include <cstdint>

/// What the runtime needs of the arch: its counter, and where a new thread starts.
namespace sel4_runtime::arch {
/// The virtual count now (CNTVCT_EL0, read after an ISB so that it is not read early).
inline std::uint64_t counter() noexcept {
    std::uint64_t value;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(value)::"memory");
    return value;
}
/// The counter's frequency in Hz, from CNTFRQ_EL0.
inline std::uint64_t counter_frequency(const sel4::BootInfo &) noexcept {
    std::uint64_t value;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(value));
    return value;
}
} // namespace sel4_runtime::arch
