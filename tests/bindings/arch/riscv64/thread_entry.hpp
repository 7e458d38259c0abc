// Where a new riscv64 thread starts: pc, sp and the first argument in a0.
#pragma once

#include <sel4/gen/constants.hpp>

namespace bindings_test {
inline void set_entry(sel4::gen::UserContext &regs, sel4::Word pc, sel4::Word stack_top, sel4::Word arg) {
    regs.pc = pc;
    regs.sp = stack_top;
    regs.a0 = arg;
}

// An instruction the CPU does not define: a user exception.
[[noreturn]] inline void undefined_instruction() {
    asm volatile("unimp");
    __builtin_unreachable();
}
} // namespace bindings_test
