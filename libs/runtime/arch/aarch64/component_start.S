/* A component thread's entry on aarch64 (a thread that a CapDL spec or Microkit starts):
 * its stack pointer is set, and x0.. hold its arguments (x0 the IPC buffer's address). */
    .section .text._start, "ax"
    .global _start
_start:
    mov     x29, xzr            /* the end of the frame chain, for unwinders */
    mov     x30, xzr
    bl      sel4_runtime_component_start
    udf     #0

    .section .note.GNU-stack, "", @progbits
