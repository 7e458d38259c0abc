/* The receiver of microkit.deferred's C part, and the test's checker: it asks the sender for
 * its two notifies and records the step the sender had written at each (1 after the plain
 * notify, 3 after the deferred one, which the sender's event loop sends only once its entry
 * point has returned). The C++ pair and the IRQ PD notify it when their parts have passed;
 * with all three it prints the success line. */
#include <microkit.h>

#define SENDER 0
#define IRQ_PD 1
#define CPP_RECEIVER 2

seL4_Word steps_vaddr = 1; /* patched: the shared page */

static seL4_Word seen[2];
static unsigned int notifications;
static int c_passed, irq_passed, cpp_passed;

void init(void)
{
    microkit_dbg_puts("receiver: asking the sender for its notifies\n");
    microkit_notify(SENDER);
}

static void check_steps(void)
{
    microkit_dbg_puts("receiver: saw step ");
    microkit_dbg_put32((seL4_Uint32)seen[0]);
    microkit_dbg_puts(" on the notify, step ");
    microkit_dbg_put32((seL4_Uint32)seen[1]);
    microkit_dbg_puts(" on the deferred notify\n");
    if (seen[0] == 1 && seen[1] == 3) {
        microkit_dbg_puts("deferred: C notify passed\n");
        c_passed = 1;
    } else {
        microkit_dbg_puts("deferred: FAIL: expected steps 1 and 3\n");
        microkit_dbg_puts("deferred: test FAILED\n");
    }
}

void notified(microkit_channel ch)
{
    switch (ch) {
    case SENDER:
        if (notifications < 2) {
            seen[notifications] = *(volatile seL4_Word *)steps_vaddr;
        }
        if (++notifications == 2) {
            check_steps();
        } else if (notifications > 2) {
            microkit_dbg_puts("deferred: FAIL: a third notify from the sender\n");
            c_passed = 0;
        }
        break;
    case IRQ_PD:
        irq_passed = 1;
        break;
    case CPP_RECEIVER:
        cpp_passed = 1;
        break;
    default:
        microkit_dbg_puts("receiver: unexpected notification\n");
        return;
    }
    if (c_passed && irq_passed && cpp_passed) {
        c_passed = 0; /* once */
        microkit_dbg_puts("deferred: test passed\n");
    }
}
