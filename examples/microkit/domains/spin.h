/* What alpha (ME 0) and beta (ME 1) share: each spins, counting its iterations. On one core
 * a PD sees the other's count change only if the other ran in between, i.e. when one of its
 * own domain's slots has begun; it then records the slot that ended (its iterations) and
 * the order of slots in a log. */
#pragma once
#include <microkit.h>

#define SLOTS 8
#define LOG_SIZE (4 * SLOTS)

struct counters {
    volatile seL4_Word count[2];
    /* Slots each has seen begin. */
    volatile seL4_Word slots[2];
    /* Iterations in each's whole slots (not the first, which began at its start), and how many. */
    volatile seL4_Word slot_iterations[2];
    volatile seL4_Word whole_slots[2];
    /* The iterations in each whole slot. A loaded host disturbs some slots (QEMU's guest
     * time runs on while it waits, or its timer comes late), so the judge takes medians. */
    volatile seL4_Word slot_length[2][SLOTS];
    volatile seL4_Word done[2];
    /* Set by alpha once it has said it is done: beta's verdict comes after, not amid, that. */
    volatile seL4_Word alpha_finished;
    /* Who began a slot, in order. */
    volatile seL4_Word log_length;
    volatile seL4_Word log[LOG_SIZE];
};

#define COUNTERS ((struct counters *)0x30000000UL)

/* Spins until both have seen SLOTS slots begin. */
static inline void spin(int me)
{
    struct counters *c = COUNTERS;
    int other = 1 - me;
    seL4_Word last_other = c->count[other];
    seL4_Word slot_start = c->count[me];
    while (!(c->done[me] && c->done[other])) {
        seL4_Word now = c->count[me]++;
        seL4_Word seen = c->count[other];
        if (seen == last_other || c->done[me]) {
            continue;
        }
        /* The other ran since the last iteration: a slot of ours has begun. */
        if (c->slots[me] > 0) {
            c->slot_iterations[me] += now - slot_start;
            c->slot_length[me][c->whole_slots[me]] = now - slot_start;
            c->whole_slots[me]++;
        }
        c->slots[me]++;
        if (c->log_length < LOG_SIZE) {
            c->log[c->log_length++] = (seL4_Word)me;
        }
        if (c->slots[me] >= SLOTS) {
            c->done[me] = 1;
        }
        slot_start = now;
        last_other = seen;
    }
}
