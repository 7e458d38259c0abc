/* beta: in domain beta (1.5 ms slots), at the lower priority. It judges once both are done:
 * both ran (beta despite its priority), their slots alternated, and alpha's slots were
 * about 6 times as long as beta's (9 ms against 1.5 ms; round-robin would make them equal). */
#include "spin.h"

/* The median of the whole slots of PD `who` (sorts them in place). */
static seL4_Word median(int who)
{
    struct counters *c = COUNTERS;
    seL4_Word n = c->whole_slots[who];
    volatile seL4_Word *v = c->slot_length[who];
    for (seL4_Word i = 1; i < n; i++) {
        for (seL4_Word j = i; j > 0 && v[j - 1] > v[j]; j--) {
            seL4_Word t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    }
    return v[n / 2];
}

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
    seL4_Word alpha_median = median(0);
    seL4_Word beta_median = median(1);
    microkit_dbg_puts("; median: alpha ");
    put_word(alpha_median);
    microkit_dbg_puts(", beta ");
    put_word(beta_median);
    microkit_dbg_puts("\n");
    /* 6:1 configured. The test runs QEMU with -icount (guest time counts instructions), so
     * the ratio is steady there; without it a loaded host disturbs it somewhat. */
    if (alpha_median < 4 * beta_median || alpha_median > 9 * beta_median) {
        microkit_dbg_puts("beta: FAIL: alpha's slots are not about 6 times as long as beta's\n");
        ok = 0;
    }
    microkit_dbg_puts(ok ? "domains: test passed\n" : "domains: test FAILED\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
