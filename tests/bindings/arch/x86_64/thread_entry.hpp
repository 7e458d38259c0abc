// Where a new x86_64 thread starts: rip, rsp (16-byte aligned less the return-address
// slot, as at a function's entry) and the first argument in rdi.
#pragma once

#include <sel4/gen/constants.hpp>

namespace bindings_test {
inline void set_entry(sel4::gen::UserContext &regs, sel4::Word pc, sel4::Word stack_top, sel4::Word arg) {
    regs.rip = pc;
    regs.rsp = stack_top - 8;
    regs.rdi = arg;
}

// An instruction the CPU does not define: a user exception.
[[noreturn]] inline void undefined_instruction() {
    asm volatile("ud2");
    __builtin_unreachable();
}
} // namespace bindings_test
