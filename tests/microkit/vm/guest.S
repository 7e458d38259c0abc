/* The guest of microkit.vm: four instructions at guest-physical 0x40000000, run at EL1 with
 * its MMU off. It reads an address no memory region backs, so the vCPU takes a stage-2 fault,
 * which seL4 sends to its VMM as a VM fault with that address. */
    .text
    .global guest
guest:
    movz x0, #0x5000
    movk x0, #0x1234, lsl #16   /* x0 = 0x12345000 */
    ldr x1, [x0]
1:  b 1b
