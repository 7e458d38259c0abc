/// @file
/// aarch64 TLS: variant 1 with a 16-byte thread control block; the thread pointer is
/// TPIDR_EL0, which user code writes itself (seL4 saves it with the thread).
#pragma once

#include <sel4/gen/constants.hpp>
#include <sel4/runtime/tls.hpp>

/// The arch's TLS variant and thread pointer.
namespace sel4_runtime::tls::arch {
/// The arch's TLS variant.
inline constexpr Variant variant = Variant::One;
/// The bytes of the thread control block before the TLS data (variant 1).
inline constexpr std::size_t tcb_size = 16;
/// Sets the calling thread's thread pointer to `tp`.
inline void set_thread_pointer(std::uintptr_t tp) noexcept { asm volatile("msr tpidr_el0, %0" : : "r"(tp) : "memory"); }
/// Sets the thread pointer in a new thread's registers (for TCB_WriteRegisters) to `tp`.
inline void set_thread_pointer(sel4::gen::UserContext &regs, std::uintptr_t tp) noexcept { regs.tpidr_el0 = tp; }
} // namespace sel4_runtime::tls::arch
