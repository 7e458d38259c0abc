/* The initial thread's entry on aarch64: seL4 starts it with the BootInfo frame's address
 * in x0 and no stack. */
    .section .text._start, "ax"
    .global _start
_start:
    adrp    x1, sel4_runtime_stack_top
    ldr     x1, [x1, :lo12:sel4_runtime_stack_top]
    mov     sp, x1
    mov     x29, xzr            /* the end of the frame chain, for unwinders */
    mov     x30, xzr
    bl      sel4_runtime_start
    udf     #0

    .section .note.GNU-stack, "", @progbits
