/* The server: answers the client's call (a PPC, on the client's scheduling context) with its
 * argument plus one, then notifies it on the same channel. */
#include <microkit.h>

#include "channel.h"

static unsigned calls;

void init(void)
{
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(": ready\n");
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    if (ch != SERVER_TO_CLIENT || microkit_msginfo_get_label(msginfo) != CALL_LABEL ||
        microkit_msginfo_get_count(msginfo) != 1) {
        microkit_dbg_puts("microkit-makefile: test failed: server: an unexpected call\n");
        return microkit_msginfo_new(0, 0);
    }
    const seL4_Word argument = microkit_mr_get(0);
    calls++;
    microkit_dbg_puts("server: called with ");
    microkit_dbg_put32((seL4_Uint32)argument);
    microkit_dbg_puts("\n");
    microkit_notify(SERVER_TO_CLIENT);
    microkit_mr_set(0, argument + 1);
    microkit_mr_set(1, calls);
    return microkit_msginfo_new(REPLY_LABEL, 2);
}

void notified(microkit_channel ch)
{
    microkit_dbg_puts("microkit-makefile: test failed: server: notified on channel ");
    microkit_dbg_put32(ch);
    microkit_dbg_puts("\n");
}
