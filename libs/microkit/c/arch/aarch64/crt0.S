/*
 * A PD's entry (the ELF entry point): the builder starts the thread here with SP at the top
 * of its stack and no arguments. main() never returns.
 */
    .section .text.start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    b main
    .size _start, . - _start

    /* No executable stack. */
    .section .note.GNU-stack, "", %progbits
