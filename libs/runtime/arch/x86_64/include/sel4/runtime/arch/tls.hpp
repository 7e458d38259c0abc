/// @file
/// x86_64 TLS: variant 2; the thread pointer is the FS base. A kernel built without FSGSBASE
/// instructions sets it for the thread (seL4's SetTLSBase syscall); one built with them
/// (KernelFSGSBase=inst, as Microkit's) lets the thread write it with `wrfsbase` and saves it
/// with the thread.
#pragma once

#include <sel4/gen/constants.hpp>
#include <sel4/runtime/tls.hpp>
#include <sel4/syscalls.hpp>

#if !CPP_SEL4_CONFIG_SET_TLS_BASE_SELF && !CPP_SEL4_CONFIG_FSGSBASE_INST
#error "x86_64 TLS needs a kernel with KernelSetTLSBaseSelf (SET_TLS_BASE_SELF) or KernelFSGSBase=inst"
#endif

/// The arch's TLS variant and thread pointer.
namespace sel4_runtime::tls::arch {
/// The arch's TLS variant.
inline constexpr Variant variant = Variant::Two;
/// The bytes of the thread control block before the TLS data (variant 1).
inline constexpr std::size_t tcb_size = 0;
/// Sets the calling thread's thread pointer to `tp`.
inline void set_thread_pointer(std::uintptr_t tp) noexcept {
#if CPP_SEL4_CONFIG_SET_TLS_BASE_SELF
    sel4::sys::set_tls_base(tp);
#else
    asm volatile("wrfsbase %0" : : "r"(tp) : "memory");
#endif
}
/// Sets the thread pointer in a new thread's registers (for TCB_WriteRegisters) to `tp`.
inline void set_thread_pointer(sel4::gen::UserContext &regs, std::uintptr_t tp) noexcept { regs.fs_base = tp; }
} // namespace sel4_runtime::tls::arch
