/* The client: calls the server over the channel (a PPC), checks the reply, and passes once
 * the server's notification on the same channel has come. */
#include <microkit.h>

#include "channel.h"

static int replied;

void init(void)
{
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(": calling the server\n");
    microkit_mr_set(0, CALL_ARGUMENT);
    const microkit_msginfo reply = microkit_ppcall(CLIENT_TO_SERVER, microkit_msginfo_new(CALL_LABEL, 1));
    const seL4_Word answer = microkit_mr_get(0), calls = microkit_mr_get(1);
    if (microkit_msginfo_get_label(reply) != REPLY_LABEL || microkit_msginfo_get_count(reply) != 2 ||
        answer != CALL_ARGUMENT + 1 || calls != 1) {
        microkit_dbg_puts("microkit-makefile: test failed: client: the reply is wrong\n");
        return;
    }
    microkit_dbg_puts("client: the server replied ");
    microkit_dbg_put32((seL4_Uint32)answer);
    microkit_dbg_puts("\n");
    replied = 1;
}

void notified(microkit_channel ch)
{
    if (ch != CLIENT_TO_SERVER || !replied) {
        microkit_dbg_puts("microkit-makefile: test failed: client: an unexpected notification\n");
        return;
    }
    microkit_dbg_puts("microkit-makefile: test passed\n");
}
