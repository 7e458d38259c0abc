/// @file
/// The thread pointer of a Microkit PD on x86_64, for the runtime's TLS block (libs/runtime's
/// src/tls.cpp, which sel4-microkit-pd builds with this header in place of the runtime's own).
/// Microkit's x86_64 kernel lets user code write the FS base itself (KernelFSGSBase=inst:
/// `wrfsbase`, which the kernel saves and restores with the thread) instead of SetTLSBase.
#pragma once

#include <sel4/gen/constants.hpp>
#include <sel4/runtime/tls.hpp>

namespace sel4_runtime::tls::arch {
inline constexpr Variant variant = Variant::Two;
inline constexpr std::size_t tcb_size = 0;
inline void set_thread_pointer(std::uintptr_t tp) noexcept { asm volatile("wrfsbase %0" : : "r"(tp) : "memory"); }
inline void set_thread_pointer(sel4::gen::UserContext &regs, std::uintptr_t tp) noexcept { regs.fs_base = tp; }
} // namespace sel4_runtime::tls::arch
