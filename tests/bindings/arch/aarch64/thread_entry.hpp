// How a new aarch64 thread starts: the runtime's entry registers, and an undefined instruction.
#pragma once

#include <sel4/runtime/arch/thread.hpp>

namespace bindings_test {
using sel4_runtime::arch::set_entry;

// An instruction the CPU does not define: a user exception.
[[noreturn]] inline void undefined_instruction() {
    asm volatile("udf #0");
    __builtin_unreachable();
}
} // namespace bindings_test
