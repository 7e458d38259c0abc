/* A Microkit PD's entry on aarch64: the tool starts it with sp at the top of the stack it
 * mapped and no arguments. The PD's own stack, if it has one (sel4_microkit_stack_top not
 * null), replaces that one. */
    .section .text._start, "ax"
    .global _start
_start:
    adrp    x0, sel4_microkit_stack_top
    ldr     x0, [x0, :lo12:sel4_microkit_stack_top]
    cbz     x0, 1f
    mov     sp, x0
1:  mov     x29, xzr            /* the end of the frame chain, for unwinders */
    mov     x30, xzr
    bl      sel4_microkit_start
    udf     #0

    .section .note.GNU-stack, "", @progbits
