/// @file
/// riscv64: the time CSR, whose frequency the device tree gives (/cpus timebase-frequency;
/// seL4 passes the tree in the BootInfo).
#pragma once

#include <sel4/runtime/fdt.hpp>
#include <sel4/sel4.hpp>

#include <cstdint>

/// What the runtime needs of the arch: its counter, and where a new thread starts.
namespace sel4_runtime::arch {
/// The time CSR now.
inline std::uint64_t counter() noexcept {
    std::uint64_t value;
    asm volatile("rdtime %0" : "=r"(value)::"memory");
    return value;
}
/// The counter's frequency in Hz, from the device tree in the BootInfo; 0 if it has none.
inline std::uint64_t counter_frequency(const sel4::BootInfo &boot_info) noexcept {
    const auto tree = boot_info.fdt();
    return tree ? fdt::find_u32(*tree, "/cpus", "timebase-frequency").value_or(0) : 0;
}
} // namespace sel4_runtime::arch
