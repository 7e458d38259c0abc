// x86_64 TLS: variant 2; the thread pointer is the FS base, which only the kernel sets
// (the kernel is built without FSGSBASE instructions): seL4's SetTLSBase syscall.
#pragma once

#include <sel4/gen/constants.hpp>
#include <sel4/runtime/tls.hpp>
#include <sel4/syscalls.hpp>

#if !CPP_SEL4_CONFIG_SET_TLS_BASE_SELF
#error "x86_64 TLS needs a kernel with KernelSetTLSBaseSelf (SET_TLS_BASE_SELF)"
#endif

namespace sel4_runtime::tls::arch {
inline constexpr Variant variant = Variant::Two;
inline constexpr std::size_t tcb_size = 0;
inline void set_thread_pointer(std::uintptr_t tp) noexcept { sel4::sys::set_tls_base(tp); }
// Where a new thread's registers (TCB_WriteRegisters) carry its thread pointer.
inline void set_thread_pointer(sel4::gen::UserContext &regs, std::uintptr_t tp) noexcept { regs.fs_base = tp; }
} // namespace sel4_runtime::tls::arch
