#include "../../stack.h"
/* Entry of a test root task on x86_64: seL4 starts the initial thread with
 * the BootInfo address in rdi and no stack. */
    .section .text._start, "ax"
    .global _start
_start:
    leaq    test_support_stack+TEST_SUPPORT_STACK_SIZE(%rip), %rsp
    call    test_support_entry
    ud2

/* void test_support_debug_syscall(long number, word argument)
 * seL4's x86_64 syscall ABI: number in rdx, first argument in rdi. The
 * kernel's fast path does not preserve rsp, so it is kept in rbx. */
    .section .text.test_support_debug_syscall, "ax"
    .global test_support_debug_syscall
test_support_debug_syscall:
    pushq   %rbx
    movq    %rdi, %rdx
    movq    %rsi, %rdi
    movq    %rsp, %rbx
    syscall
    movq    %rbx, %rsp
    popq    %rbx
    ret


    .section .note.GNU-stack, "", @progbits
