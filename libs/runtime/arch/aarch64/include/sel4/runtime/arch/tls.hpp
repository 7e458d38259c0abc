// aarch64 TLS: variant 1 with a 16-byte thread control block; the thread pointer is
// TPIDR_EL0, which user code writes itself (seL4 saves it with the thread).
#pragma once

#include <sel4/gen/constants.hpp>
#include <sel4/runtime/tls.hpp>

namespace sel4_runtime::tls::arch {
inline constexpr Variant variant = Variant::One;
inline constexpr std::size_t tcb_size = 16;
inline void set_thread_pointer(std::uintptr_t tp) noexcept { asm volatile("msr tpidr_el0, %0" : : "r"(tp) : "memory"); }
// Where a new thread's registers (TCB_WriteRegisters) carry its thread pointer.
inline void set_thread_pointer(sel4::gen::UserContext &regs, std::uintptr_t tp) noexcept { regs.tpidr_el0 = tp; }
} // namespace sel4_runtime::tls::arch
