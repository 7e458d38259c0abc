#pragma once

/* 36 words, as the object API's seL4_UserContext is on aarch64. */
typedef struct seL4_UserContext_ {
    seL4_Word pc, sp;
    seL4_Word x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17, x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30;
    seL4_Word spsr, tpidr_el0, tpidrro_el0;
} seL4_UserContext;

typedef enum {
    seL4_ARM_PageCacheable = 0x01,
    seL4_ARM_Default_VMAttributes = 0x01,
    seL4_ARM_ExecuteNever = 0x04,
    SEL4_FORCE_LONG_ENUM(seL4_ARM_VMAttributes),
} seL4_ARM_VMAttributes;
