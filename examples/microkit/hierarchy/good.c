/* The well-behaved child: it starts, tells its parent over channel 0, and waits. */
#include <microkit.h>

#define PARENT_CHANNEL 0

void init(void)
{
    microkit_dbg_puts("good: running, notifying the parent\n");
    microkit_notify(PARENT_CHANNEL);
}

void notified(microkit_channel ch)
{
    microkit_dbg_puts("good: unexpected notification on channel ");
    microkit_dbg_put32(ch);
    microkit_dbg_puts("\n");
}
