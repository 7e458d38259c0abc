/* The parent of the hierarchy example: the fault handler of its children. Each fault of the
 * crasher (child 1) arrives in fault(); the parent checks that it is the expected VM fault,
 * restarts the crasher at its entry point a few times and then stops it. The well-behaved
 * child (child 2) has the lowest priority, so it runs only once the crasher is stopped; its
 * notification completes the example. */
#include <microkit.h>

#define CRASHER 1
#define GOOD 2
#define GOOD_CHANNEL 5
/* What the crasher stores to (crasher.c). */
#define CRASHER_FAULT_ADDRESS 0x10000UL
/* Every PD's entry point: microkit.ld links .text.start (crt0's _start) first, at 0x200000. */
#define PD_ENTRY 0x200000UL
/* Restarts before the crasher is stopped: it faults RESTARTS + 1 times. */
#define RESTARTS 3

static unsigned int faults;
static unsigned int bad_faults;
static seL4_Bool crasher_stopped;

void init(void)
{
    microkit_dbg_puts("parent: starting, children crasher (1) and good (2)\n");
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    seL4_Word label = microkit_msginfo_get_label(msginfo);
    seL4_Word address = microkit_mr_get(seL4_VMFault_Addr);
    microkit_dbg_puts("parent: fault from child ");
    microkit_dbg_put32(child);
    microkit_dbg_puts(", label ");
    microkit_dbg_put32(label);
    microkit_dbg_puts(", address ");
    microkit_dbg_put32(address);
    microkit_dbg_puts("\n");
    if (child != CRASHER || label != seL4_Fault_VMFault || address != CRASHER_FAULT_ADDRESS || crasher_stopped) {
        microkit_dbg_puts("parent: FAIL: not the crasher's VM fault at its address\n");
        bad_faults++;
        microkit_pd_stop(child);
        return seL4_False;
    }
    faults++;
    if (faults <= RESTARTS) {
        microkit_pd_restart(child, PD_ENTRY);
        microkit_dbg_puts("parent: restarted the crasher\n");
    } else {
        microkit_pd_stop(child);
        crasher_stopped = seL4_True;
        microkit_dbg_puts("parent: stopped the crasher\n");
    }
    /* The restart (or stop) replaces the reply: the faulting instruction is not retried. */
    return seL4_False;
}

void notified(microkit_channel ch)
{
    if (ch != GOOD_CHANNEL) {
        microkit_dbg_puts("parent: FAIL: notification on unexpected channel\n");
        return;
    }
    if (!crasher_stopped || faults != RESTARTS + 1 || bad_faults != 0) {
        microkit_dbg_puts("parent: FAIL: the good child ran before the crasher was stopped, or the faults were wrong (");
        microkit_dbg_put32(faults);
        microkit_dbg_puts(" faults)\n");
        return;
    }
    microkit_dbg_puts("parent: the crasher faulted ");
    microkit_dbg_put32(faults);
    microkit_dbg_puts(" times, was restarted ");
    microkit_dbg_put32(RESTARTS);
    microkit_dbg_puts(" times and stopped; the good child ran\n");
    microkit_dbg_puts("hierarchy: test passed\n");
}
