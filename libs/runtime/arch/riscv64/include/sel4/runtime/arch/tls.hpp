// riscv64 TLS: variant 1 with no thread control block before the data; the thread
// pointer is the tp register.
#pragma once

#include <sel4/gen/constants.hpp>
#include <sel4/runtime/tls.hpp>

namespace sel4_runtime::tls::arch {
inline constexpr Variant variant = Variant::One;
inline constexpr std::size_t tcb_size = 0;
inline void set_thread_pointer(std::uintptr_t tp) noexcept { asm volatile("mv tp, %0" : : "r"(tp) : "memory"); }
// Where a new thread's registers (TCB_WriteRegisters) carry its thread pointer.
inline void set_thread_pointer(sel4::gen::UserContext &regs, std::uintptr_t tp) noexcept { regs.tp = tp; }
} // namespace sel4_runtime::tls::arch
