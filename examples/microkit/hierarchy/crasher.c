/* The crasher: each time it starts it says so and stores to an address that no map covers.
 * Its parent, not the monitor, receives the fault. Its data survives a restart (only the
 * PC is reset), so it counts its own starts. */
#include <microkit.h>

/* Below the PD image (linked at 0x200000) and mapped by nothing. */
#define UNMAPPED_ADDRESS 0x10000UL

static unsigned int starts;

void init(void)
{
    starts++;
    microkit_dbg_puts("crasher: start ");
    microkit_dbg_put32(starts);
    microkit_dbg_puts(", writing to an unmapped address\n");
    *(volatile seL4_Word *)UNMAPPED_ADDRESS = starts;
    microkit_dbg_puts("crasher: FAIL: the store to an unmapped address did not fault\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
