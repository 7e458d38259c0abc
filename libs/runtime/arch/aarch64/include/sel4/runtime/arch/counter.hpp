// aarch64: the generic timer's virtual count, readable at EL0 with KernelArmExportVCNTUser
// (every aarch64 world sets it), and its frequency from CNTFRQ_EL0.
#pragma once

#include <sel4/sel4.hpp>

#include <cstdint>

namespace sel4_runtime::arch {
inline std::uint64_t counter() noexcept {
    std::uint64_t value;
    asm volatile("isb; mrs %0, cntvct_el0" : "=r"(value)::"memory");
    return value;
}
inline std::uint64_t counter_frequency(const sel4::BootInfo &) noexcept {
    std::uint64_t value;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(value));
    return value;
}
} // namespace sel4_runtime::arch
