/// @file
/// x86_64: the time-stamp counter, at the frequency seL4 measured at boot and passes in the
/// BootInfo (in MHz).
#pragma once

#include <sel4/sel4.hpp>

#include <cstdint>
#include <cstring>

/// What the runtime needs of the arch: its counter, and where a new thread starts.
namespace sel4_runtime::arch {
/// The time-stamp counter now (RDTSC after LFENCE, so that it is not read early).
inline std::uint64_t counter() noexcept {
    std::uint32_t low, high;
    asm volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
    return (std::uint64_t{high} << 32) | low;
}
/// The counter's frequency in Hz, from the BootInfo's TSC frequency; 0 if it has none.
inline std::uint64_t counter_frequency(const sel4::BootInfo &boot_info) noexcept {
    const auto chunk = boot_info.find_extra(sel4::BootInfoId::X86TscFreq);
    std::uint32_t mhz = 0;
    if (!chunk || chunk->data.size() < sizeof mhz)
        return 0;
    std::memcpy(&mhz, chunk->data.data(), sizeof mhz);
    return std::uint64_t{mhz} * 1000000;
}
} // namespace sel4_runtime::arch
