/* The initial thread's entry on riscv64: seL4 starts it with the BootInfo frame's address
 * in a0 and no stack. gp is set first for the linker's gp-relative relaxation. */
#include "global_pointer.inc"

    .section .text._start, "ax"
    .global _start
_start:
    set_global_pointer
    ld      sp, sel4_runtime_stack_top
    mv      ra, zero
    call    sel4_runtime_start
    unimp

    .section .note.GNU-stack, "", @progbits
