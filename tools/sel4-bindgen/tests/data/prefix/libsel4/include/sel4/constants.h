#pragma once

typedef unsigned long seL4_Word;

enum priorityConstants {
    seL4_InvalidPrio = -1,
    seL4_MinPrio = 0
};

#if CONFIG_WORD_SIZE == 64 && defined(CONFIG_PRINTING)
#define seL4_WordBits (sizeof(seL4_Word) * 8)
#else
#error "the fixture is 64-bit, with printing"
#endif
#define seL4_MsgExtraCapBits 2
#define seL4_MsgMaxExtraCaps (LIBSEL4_BIT(seL4_MsgExtraCapBits)-1)
#define seL4_UserTop 0x00007fffffffffff
#define seL4_CanRead seL4_CapRights_new(0, 0, 1, 0)

typedef enum {
    seL4_VMFault_IP,
    seL4_VMFault_Addr,
    seL4_VMFault_Length,
    SEL4_FORCE_LONG_ENUM(seL4_VMFault_Msg),
} seL4_VMFault_Msg;
