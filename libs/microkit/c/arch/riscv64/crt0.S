/*
 * A PD's entry (the ELF entry point): the builder starts the thread here with SP at the top
 * of its stack and no arguments. main() never returns.
 */
    .section .text.start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    /* gp for the linker's gp-relative relaxation; this load itself must not be relaxed. */
    .option push
    .option norelax
1:  auipc gp, %pcrel_hi(__global_pointer$)
    addi gp, gp, %pcrel_lo(1b)
    .option pop
    j main
    .size _start, . - _start

    /* No executable stack. */
    .section .note.GNU-stack, "", %progbits
