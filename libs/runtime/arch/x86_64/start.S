/* The initial thread's entry on x86_64: seL4 starts it with the BootInfo frame's address
 * in rdi and no stack. */
    .section .text._start, "ax"
    .global _start
_start:
    movq    sel4_runtime_stack_top(%rip), %rsp
    call    sel4_runtime_start
    ud2

    .section .note.GNU-stack, "", @progbits
