/* The sender of microkit.deferred's C part: when the receiver (of higher priority) asks, it
 * notifies it twice, writing the step number to the shared page before and after each:
 * after the plain notify the receiver has already run (it saw step 1); the deferred notify
 * reaches it only after this entry point has returned (it sees step 3, not 2). */
#include <microkit.h>

#define RECEIVER 0

seL4_Word steps_vaddr = 1; /* patched: the shared page */

void init(void)
{
}

void notified(microkit_channel ch)
{
    if (ch != RECEIVER) {
        microkit_dbg_puts("sender: unexpected notification\n");
        return;
    }
    volatile seL4_Word *step = (volatile seL4_Word *)steps_vaddr;
    *step = 1;
    microkit_notify(RECEIVER);
    *step = 2;
    microkit_deferred_notify(RECEIVER);
    *step = 3;
}
