/* A component thread's entry on riscv64 (a thread that a CapDL spec or Microkit starts):
 * its stack pointer is set, and a0.. hold its arguments (a0 the IPC buffer's address). gp is
 * set first for the linker's gp-relative relaxation. */
#include "global_pointer.inc"

    .section .text._start, "ax"
    .global _start
_start:
    set_global_pointer
    mv      ra, zero
    call    sel4_runtime_component_start
    unimp

    .section .note.GNU-stack, "", @progbits
