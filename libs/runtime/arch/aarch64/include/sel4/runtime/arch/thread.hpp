/// @file
/// Where a new aarch64 thread starts: pc, sp and the first argument in x0.
#pragma once

#include <sel4/gen/constants.hpp>

namespace sel4_runtime::arch {
/// Sets `regs` (for TCB_WriteRegisters) to start a thread at `pc` on the stack whose top is
/// `stack_top` (16-byte aligned), with `arg` as its first argument.
inline void set_entry(sel4::gen::UserContext &regs, sel4::Word pc, sel4::Word stack_top, sel4::Word arg) noexcept {
    regs.pc = pc;
    regs.sp = stack_top;
    regs.x0 = arg;
}

/// A hint, while spinning on a lock word, that this core waits.
inline void relax() noexcept { asm volatile("yield" ::: "memory"); }
} // namespace sel4_runtime::arch
