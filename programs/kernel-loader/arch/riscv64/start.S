#include "../../stack.h"
/* riscv64 entry: OpenSBI starts the loader in S-mode with satp = 0,
 * a0 = hart id, a1 = its device tree. */
    .section .text._start, "ax"
    .global _start
_start:
    /* Only the first hart here is the boot hart; see misrouted below. */
    lla     t0, loader_boot_claimed
    li      t1, 1
    amoswap.w.aq t1, t1, (t0)
    bnez    t1, misrouted
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    lla     sp, loader_stack+LOADER_STACK_SIZE
    /* OpenSBI leaves the FPU off; the compiler may use it (lp64d). */
    li      t0, (1 << 13)       /* sstatus.FS = Initial */
    csrs    sstatus, t0
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  la      t0, loader_boot_hart
    sd      a0, 0(t0)
    call    loader_main
3:  wfi
    j       3b

/* A started hart that OpenSBI sent to the boot entry instead of its start
 * address: OpenSBI 1.1 (QEMU 7.2's) marks the hart START_PENDING before it
 * stores the start address and opaque argument, and the hart, polling that
 * state, can leave with the previous ones (this image's entry, the device
 * tree). a0 is its hart id all the same; the boot hart published the hart
 * it is starting and its core number before calling hart_start. */
misrouted:
    lla     t0, loader_starting_hart
    ld      t0, 0(t0)
    bne     t0, a0, 3b          /* not the hart being started: park it */
    lla     t0, loader_starting_core
    ld      a1, 0(t0)
    j       loader_secondary_entry

    .section .data.loader_boot_claimed, "aw"
    .balign 4
loader_boot_claimed:            /* 0 in the image; 1 once the boot hart is in */
    .word   0

/* Secondary harts: SBI hart_start starts them here in S-mode, satp = 0,
 * a0 = hart id, a1 = the opaque argument: the logical core number n >= 1.
 * Core n's stack is the n-th of loader_secondary_stacks (stack.h). */
    .section .text.loader_secondary_entry, "ax"
    .global loader_secondary_entry
    .balign 4
loader_secondary_entry:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    li      t0, (1 << 13)       /* sstatus.FS = Initial, as on the boot hart */
    csrs    sstatus, t0
    lla     sp, loader_secondary_stacks
    li      t0, LOADER_SECONDARY_STACK_SIZE
    mul     t0, t0, a1          /* the top of stack n - 1 */
    add     sp, sp, t0
    mv      t1, a0
    mv      a0, a1              /* loader_secondary_main(core, hart id) */
    mv      a1, t1
    call    loader_secondary_main
1:  wfi
    j       1b

/* void loader_enter(const Header *h, word hart_id, word core_id): switch
 * to the boot tables and enter the kernel with a0-a5 (and a6, a7 for SMP). */
    .section .text.loader_enter, "ax"
    .global loader_enter
loader_enter:
    mv      t0, a0
    mv      a6, a1
    mv      a7, a2
    ld      t1, 32(t0)          /* table_root: the satp value */
    ld      t2, 24(t0)          /* kernel_entry */
    sfence.vma
    csrw    satp, t1
    sfence.vma
    fence.i
    ld      a0, 64(t0)
    ld      a1, 72(t0)
    ld      a2, 80(t0)
    ld      a3, 88(t0)
    ld      a4, 96(t0)
    ld      a5, 104(t0)
    jr      t2


    .section .note.GNU-stack, "", @progbits
