/* beta: in domain beta (1.5 ms slots), at the lower priority. It judges once both are done:
 * both ran (beta despite its priority), their slots alternated, and alpha's slots were
 * clearly longer than beta's (9 ms against 1.5 ms; round-robin would make them equal). */
#include "spin.h"

static void put_word(seL4_Word value)
{
    microkit_dbg_put32((seL4_Uint32)value);
}

void init(void)
{
    struct counters *c = COUNTERS;
    microkit_dbg_puts("beta: spinning in domain beta\n");
    spin(1);
    while (!c->alpha_finished) {
        /* alpha prints in its next slot */
    }

    int ok = 1;
    for (seL4_Word i = 1; i < c->log_length; i++) {
        if (c->log[i] == c->log[i - 1]) {
            microkit_dbg_puts("beta: FAIL: two slots of the same PD in a row in the log, at ");
            put_word(i);
            microkit_dbg_puts("\n");
            ok = 0;
        }
    }
    if (c->whole_slots[0] == 0 || c->whole_slots[1] == 0) {
        microkit_dbg_puts("beta: FAIL: no whole slot measured\n");
        microkit_dbg_puts("domains: test FAILED\n");
        return;
    }
    seL4_Word alpha_mean = c->slot_iterations[0] / c->whole_slots[0];
    seL4_Word beta_mean = c->slot_iterations[1] / c->whole_slots[1];
    microkit_dbg_puts("beta: slots seen: alpha ");
    put_word(c->slots[0]);
    microkit_dbg_puts(", beta ");
    put_word(c->slots[1]);
    microkit_dbg_puts("; mean iterations per slot: alpha ");
    put_word(alpha_mean);
    microkit_dbg_puts(", beta ");
    put_word(beta_mean);
    microkit_dbg_puts("; most in one slot: alpha ");
    put_word(c->max_slot_iterations[0]);
    microkit_dbg_puts(", beta ");
    put_word(c->max_slot_iterations[1]);
    microkit_dbg_puts("\n");
    /* 6:1 configured; QEMU's speed varies with the host's load, so only 3:1 is required. */
    if (c->max_slot_iterations[0] < 3 * c->max_slot_iterations[1]) {
        microkit_dbg_puts("beta: FAIL: alpha's slots are not clearly longer than beta's\n");
        ok = 0;
    }
    microkit_dbg_puts(ok ? "domains: test passed\n" : "domains: test FAILED\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
