#include "../../stack.h"
/* aarch64 entry: QEMU starts the loader at its ELF entry with the MMU off,
 * at EL2 when the machine has virtualization=on. */
    .section .text._start, "ax"
    .global _start
_start:
    msr     daifset, #0xf
    adrp    x1, loader_stack+LOADER_STACK_SIZE
    add     x1, x1, :lo12:loader_stack+LOADER_STACK_SIZE
    mov     sp, x1
    adrp    x1, __bss_start
    add     x1, x1, :lo12:__bss_start
    adrp    x2, __bss_end
    add     x2, x2, :lo12:__bss_end
1:  cmp     x1, x2
    b.hs    2f
    str     xzr, [x1], #8
    b       1b
2:  bl      loader_main
3:  wfe
    b       3b

/* Secondary cores: PSCI CPU_ON starts them here at the caller's EL, MMU and
 * caches off, x0 = the context argument: the logical core number n >= 1.
 * Core n's stack is the n-th of loader_secondary_stacks (stack.h). */
    .section .text.loader_secondary_entry, "ax"
    .global loader_secondary_entry
    .balign 4
loader_secondary_entry:
    msr     daifset, #0xf
    adrp    x1, loader_secondary_stacks
    add     x1, x1, :lo12:loader_secondary_stacks
    mov     x2, #LOADER_SECONDARY_STACK_SIZE
    madd    x1, x0, x2, x1      /* the top of stack n - 1 */
    mov     sp, x1
    mrs     x1, mpidr_el1
    mov     x2, #0xffffff       /* the affinity fields, as boot_cpu_id() */
    movk    x2, #0xff, lsl #32
    and     x1, x1, x2
    bl      loader_secondary_main
1:  wfe
    b       1b

/* void loader_enter_el2(const Header *h, word core): install the tables in
 * the EL2 regime, turn on the MMU and caches, and enter the kernel with x0-x5. */
    .section .text.loader_enter_el2, "ax"
    .global loader_enter_el2
loader_enter_el2:
    mov     x11, x1             /* core, for TPIDR_EL1 */
    ldr     x1, [x0, #56]       /* mair */
    msr     mair_el2, x1
    ldr     x1, [x0, #48]       /* tcr */
    msr     tcr_el2, x1
    ldr     x1, [x0, #32]       /* table_root */
    msr     ttbr0_el2, x1
    isb
    tlbi    alle2
    dsb     ish
    isb
    ic      iallu
    mrs     x1, sctlr_el2
    mov     x2, #(1 << 0 | 1 << 2 | 1 << 12)   /* M, C, I */
    orr     x1, x1, x2
    msr     sctlr_el2, x1
    isb
    b       enter

/* void loader_enter_el1(const Header *h, word core): from EL2, let EL1 run
 * AArch64 without traps on timers and FP, drop to EL1, then install the
 * tables in the EL1 regime (TTBR0 identity, TTBR1 kernel window) and enter
 * the kernel. */
    .section .text.loader_enter_el1, "ax"
    .global loader_enter_el1
loader_enter_el1:
    mov     x11, x1             /* core, for TPIDR_EL1 */
    mrs     x1, CurrentEL
    cmp     x1, #(2 << 2)
    b.ne    1f
    mov     x1, #(1 << 31)                  /* HCR_EL2.RW: EL1 is AArch64 */
    msr     hcr_el2, x1
    mrs     x1, cnthctl_el2
    orr     x1, x1, #3                      /* EL1PCTEN, EL1PCEN */
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    mov     x1, #0x33ff                     /* CPTR_EL2: RES1 bits only, no FP trap */
    msr     cptr_el2, x1
    msr     hstr_el2, xzr
    ldr     x1, =0x30d00800                 /* SCTLR_EL1: RES1 bits, MMU off */
    msr     sctlr_el1, x1
    mov     x1, sp
    msr     sp_el1, x1
    mov     x1, #0x3c5                      /* EL1h, DAIF masked */
    msr     spsr_el2, x1
    adr     x1, 1f
    msr     elr_el2, x1
    eret
1:  ldr     x1, [x0, #56]
    msr     mair_el1, x1
    ldr     x1, [x0, #48]
    msr     tcr_el1, x1
    ldr     x1, [x0, #32]
    msr     ttbr0_el1, x1
    ldr     x1, [x0, #40]
    msr     ttbr1_el1, x1
    isb
    tlbi    vmalle1
    dsb     ish
    isb
    ic      iallu
    mrs     x1, sctlr_el1
    mov     x2, #(1 << 0 | 1 << 2 | 1 << 12)
    orr     x1, x1, x2
    msr     sctlr_el1, x1
    isb

/* x0 = header, x11 = logical core: seL4 reads its core number from
 * TPIDR_EL1 (at EL1 and EL2 alike); load init_kernel's arguments and jump. */
enter:
    msr     tpidr_el1, x11
    mov     x9, x0
    ldr     x10, [x9, #24]      /* kernel_entry */
    ldp     x0, x1, [x9, #64]   /* user image start, end */
    ldp     x2, x3, [x9, #80]   /* pv_offset, user entry */
    ldp     x4, x5, [x9, #96]   /* dtb start, size */
    br      x10


    .section .note.GNU-stack, "", @progbits
