#include "../../stack.h"
/* Entry of a test root task on aarch64: seL4 starts the initial thread with
 * the BootInfo address in x0 and no stack. */
    .section .text._start, "ax"
    .global _start
_start:
    adrp    x1, test_support_stack+TEST_SUPPORT_STACK_SIZE
    add     x1, x1, :lo12:test_support_stack+TEST_SUPPORT_STACK_SIZE
    mov     sp, x1
    bl      test_support_entry
1:  b       1b

/* void test_support_debug_syscall(long number, word argument)
 * seL4's aarch64 syscall ABI: number in x7, first argument in x0. */
    .section .text.test_support_debug_syscall, "ax"
    .global test_support_debug_syscall
test_support_debug_syscall:
    mov     x7, x0
    mov     x0, x1
    svc     #0
    ret


    .section .note.GNU-stack, "", @progbits
