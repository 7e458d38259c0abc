/* The passive server: init runs on its own scheduling context, which the monitor then takes
 * away (microkit_passive); afterwards protected() runs only on a caller's. */
#include <microkit.h>
#include "protocol.h"

#define CLIENT_CHANNEL 3

static seL4_Word calls;

void init(void)
{
    microkit_dbg_puts("server: init, becoming passive\n");
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    if (ch != CLIENT_CHANNEL) {
        return microkit_msginfo_new(REPLY_BAD_CHANNEL, 0);
    }
    seL4_Word answered = calls++;
    switch (microkit_msginfo_get_label(msginfo)) {
    case OP_ADD_MUL: {
        seL4_Word a = microkit_mr_get(0);
        seL4_Word b = microkit_mr_get(1);
        microkit_mr_set(0, a + b);
        microkit_mr_set(1, a * b);
        return microkit_msginfo_new(REPLY_OK, 2);
    }
    case OP_SUM: {
        seL4_Word count = microkit_msginfo_get_count(msginfo);
        seL4_Word sum = 0;
        for (seL4_Word i = 0; i < count; i++) {
            sum += microkit_mr_get((seL4_Uint8)i);
        }
        microkit_mr_set(0, sum);
        microkit_mr_set(1, count);
        return microkit_msginfo_new(REPLY_OK, 2);
    }
    case OP_CALLS:
        microkit_mr_set(0, answered);
        return microkit_msginfo_new(REPLY_OK, 1);
    default:
        return microkit_msginfo_new(REPLY_BAD_OP, 0);
    }
}

void notified(microkit_channel ch)
{
    microkit_dbg_puts("server: unexpected notification on channel ");
    microkit_dbg_put32(ch);
    microkit_dbg_puts("\n");
}
