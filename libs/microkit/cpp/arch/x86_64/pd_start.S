/* A Microkit PD's entry on x86_64: the tool starts it with rsp at the (16-byte aligned) top
 * of the stack it mapped and no arguments. The PD's own stack, if it has one
 * (sel4_microkit_stack_top not null), replaces that one. */
    .section .text._start, "ax"
    .global _start
_start:
    movq    sel4_microkit_stack_top(%rip), %rax
    testq   %rax, %rax
    jz      1f
    movq    %rax, %rsp
1:  xorl    %ebp, %ebp          /* the end of the frame chain, for unwinders */
    call    sel4_microkit_start
    ud2

    .section .note.GNU-stack, "", @progbits
