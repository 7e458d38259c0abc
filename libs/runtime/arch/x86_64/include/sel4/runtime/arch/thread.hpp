/// @file
/// Where a new x86_64 thread starts: rip, rsp (16-byte aligned less the return-address
/// slot, as at a function's entry) and the first argument in rdi.
#pragma once

#include <sel4/gen/constants.hpp>

namespace sel4_runtime::arch {
/// Sets `regs` (for TCB_WriteRegisters) to start a thread at `pc` on the stack whose top is
/// `stack_top` (16-byte aligned), with `arg` as its first argument.
inline void set_entry(sel4::gen::UserContext &regs, sel4::Word pc, sel4::Word stack_top, sel4::Word arg) noexcept {
    regs.rip = pc;
    regs.rsp = stack_top - 8;
    regs.rdi = arg;
}

/// A hint, while spinning on a lock word, that this core waits.
inline void relax() noexcept { __builtin_ia32_pause(); }
} // namespace sel4_runtime::arch
