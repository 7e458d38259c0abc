/// @file
/// The count a test PD times itself with: on aarch64 the generic timer's physical count
/// (CNTPCT_EL0, which Microkit's kernel exports to EL0) and its frequency (CNTFRQ_EL0); on
/// the other architectures neither, so that a test shows no rate there.
#pragma once

#include <cstdint>

namespace test_support {

/// The count now (read after an ISB so that it is not read early); 0 off aarch64.
inline std::uint64_t ticks() noexcept {
#if defined(__aarch64__)
    std::uint64_t value;
    asm volatile("isb; mrs %0, cntpct_el0" : "=r"(value));
    return value;
#else
    return 0;
#endif
}

/// The count's frequency in Hz; 0 off aarch64 (no count to time with).
inline std::uint64_t tick_rate() noexcept {
#if defined(__aarch64__)
    std::uint64_t value;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(value));
    return value;
#else
    return 0;
#endif
}

} // namespace test_support
