/*
 * A PD's entry (the ELF entry point): the builder starts the thread here with RSP at the top
 * of its stack (16-byte aligned) and no arguments; the call leaves RSP as the ABI wants it at
 * a function's entry. main() never returns.
 */
    .section .text.start, "ax", @progbits
    .global _start
    .type _start, @function
_start:
    call main
    .size _start, . - _start

    /* No executable stack. */
    .section .note.GNU-stack, "", @progbits
