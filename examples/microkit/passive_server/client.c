/* The client: protected procedure calls into the passive server, on the client's own
 * scheduling context, with operands in message registers; it checks every answer. */
#include <microkit.h>
#include "protocol.h"

#define SERVER_CHANNEL 1

static unsigned int failures;

static void check(const char *what, seL4_Word got, seL4_Word expected)
{
    if (got != expected) {
        microkit_dbg_puts("client: FAIL: ");
        microkit_dbg_puts(what);
        microkit_dbg_puts(": got ");
        microkit_dbg_put32((seL4_Uint32)got);
        microkit_dbg_puts(", expected ");
        microkit_dbg_put32((seL4_Uint32)expected);
        microkit_dbg_puts("\n");
        failures++;
    }
}

void init(void)
{
    microkit_dbg_puts("client: calling the passive server\n");

    for (seL4_Word i = 0; i < 5; i++) {
        microkit_mr_set(0, 1000 + i);
        microkit_mr_set(1, 7 + i);
        microkit_msginfo answer = microkit_ppcall(SERVER_CHANNEL, microkit_msginfo_new(OP_ADD_MUL, 2));
        check("add/mul label", microkit_msginfo_get_label(answer), REPLY_OK);
        check("add/mul count", microkit_msginfo_get_count(answer), 2);
        check("sum of two", microkit_mr_get(0), 1007 + 2 * i);
        check("product of two", microkit_mr_get(1), (1000 + i) * (7 + i));
    }

    for (seL4_Word i = 0; i < 10; i++) {
        microkit_mr_set((seL4_Uint8)i, (i + 1) * (i + 1));
    }
    microkit_msginfo answer = microkit_ppcall(SERVER_CHANNEL, microkit_msginfo_new(OP_SUM, 10));
    check("sum label", microkit_msginfo_get_label(answer), REPLY_OK);
    check("sum of squares 1..10", microkit_mr_get(0), 385);
    check("operand count", microkit_mr_get(1), 10);

    answer = microkit_ppcall(SERVER_CHANNEL, microkit_msginfo_new(99, 0));
    check("unknown operation", microkit_msginfo_get_label(answer), REPLY_BAD_OP);

    answer = microkit_ppcall(SERVER_CHANNEL, microkit_msginfo_new(OP_CALLS, 0));
    check("calls label", microkit_msginfo_get_label(answer), REPLY_OK);
    check("calls answered before", microkit_mr_get(0), 7);

    if (failures == 0) {
        microkit_dbg_puts("client: 8 calls answered correctly by the passive server\n");
        microkit_dbg_puts("passive_server: test passed\n");
    } else {
        microkit_dbg_puts("passive_server: test FAILED\n");
    }
}

void notified(microkit_channel ch)
{
    (void)ch;
}
