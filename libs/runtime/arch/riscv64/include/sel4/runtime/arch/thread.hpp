/// @file
/// Where a new riscv64 thread starts: pc, sp and the first argument in a0, with gp at the
/// linker's __global_pointer$ (code reaches small data relative to it).
#pragma once

#include <sel4/gen/constants.hpp>

/// The linker's `__global_pointer$`, which gp holds.
extern "C" char sel4_runtime_global_pointer[] asm("__global_pointer$");

namespace sel4_runtime::arch {
/// Sets `regs` (for TCB_WriteRegisters) to start a thread at `pc` on the stack whose top is
/// `stack_top` (16-byte aligned), with `arg` as its first argument.
inline void set_entry(sel4::gen::UserContext &regs, sel4::Word pc, sel4::Word stack_top, sel4::Word arg) noexcept {
    regs.pc = pc;
    regs.sp = stack_top;
    regs.a0 = arg;
    regs.gp = reinterpret_cast<sel4::Word>(sel4_runtime_global_pointer);
}

/// A hint, while spinning on a lock word, that this core waits (the base ISA has none).
inline void relax() noexcept { asm volatile("" ::: "memory"); }
} // namespace sel4_runtime::arch
