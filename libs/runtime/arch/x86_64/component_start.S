/* A component thread's entry on x86_64 (a thread that a CapDL spec or Microkit starts): its
 * stack pointer is set (16-byte aligned), and rdi.. hold its arguments (rdi the IPC buffer's
 * address). */
    .section .text._start, "ax"
    .global _start
_start:
    xorl    %ebp, %ebp          /* the end of the frame chain, for unwinders */
    call    sel4_runtime_component_start
    ud2

    .section .note.GNU-stack, "", @progbits
