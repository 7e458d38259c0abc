#include "../../stack.h"
/* Entry of a test root task on riscv64: seL4 starts the initial thread with
 * the BootInfo address in a0 and no stack. */
    .section .text._start, "ax"
    .global _start
_start:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    lla     sp, test_support_stack+TEST_SUPPORT_STACK_SIZE
    call    test_support_entry
1:  j       1b

/* void test_support_debug_syscall(long number, word argument)
 * seL4's riscv64 syscall ABI: number in a7, first argument in a0. */
    .section .text.test_support_debug_syscall, "ax"
    .global test_support_debug_syscall
test_support_debug_syscall:
    mv      a7, a0
    mv      a0, a1
    ecall
    ret


    .section .note.GNU-stack, "", @progbits
