/* The MR that the secondary writes and the primary reads (at 0x30000000 in both). */
#pragma once
#include <microkit.h>

struct shared {
    /* Notifications the secondary has handled. */
    volatile seL4_Word handled;
    /* Set by the secondary's init. */
    volatile seL4_Word started;
};

#define SHARED ((struct shared *)0x30000000UL)
