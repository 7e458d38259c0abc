/* A Microkit PD's entry on riscv64: the tool starts it with sp at the top of the stack it
 * mapped and no arguments. gp is set first for the linker's gp-relative relaxation; the PD's
 * own stack, if it has one (sel4_microkit_stack_top not null), replaces the tool's. */
#include "../../../../runtime/arch/riscv64/global_pointer.inc" /* libs/runtime's */

    .section .text._start, "ax"
    .global _start
_start:
    set_global_pointer
    lla     t0, sel4_microkit_stack_top
    ld      t0, 0(t0)
    beqz    t0, 1f
    mv      sp, t0
1:  mv      ra, zero
    call    sel4_microkit_start
    unimp

    .section .note.GNU-stack, "", @progbits
