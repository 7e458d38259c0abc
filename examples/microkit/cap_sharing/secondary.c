/* The secondary: counts each notification from the primary in the shared MR. */
#include "shared.h"

#define PRIMARY_CHANNEL 4

void init(void)
{
    SHARED->started = 1;
    microkit_dbg_puts("secondary: started\n");
}

void notified(microkit_channel ch)
{
    if (ch != PRIMARY_CHANNEL) {
        microkit_dbg_puts("secondary: unexpected channel\n");
        return;
    }
    SHARED->handled++;
    microkit_dbg_puts("secondary: notified, ");
    microkit_dbg_put32((seL4_Uint32)SHARED->handled);
    microkit_dbg_puts(" so far\n");
}
