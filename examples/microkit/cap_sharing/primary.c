/* The primary: uses the secondary's TCB and SC caps, which <cspace> put in its root CNode,
 * through microkit_cspace_root_slot_to_cptr. The secondary has the higher priority, so a
 * notification is handled at once, unless the secondary is suspended; then it is handled
 * as soon as the secondary is resumed. */
#include "shared.h"

#define SECONDARY_CHANNEL 0
/* The slots of cap_sharing.system's <cspace>. */
#define SECONDARY_TCB microkit_cspace_root_slot_to_cptr(1)
#define SECONDARY_SC microkit_cspace_root_slot_to_cptr(2)
#define OWN_SC microkit_cspace_root_slot_to_cptr(5)

static unsigned int failures;

static void expect(const char *what, seL4_Word got, seL4_Word expected)
{
    microkit_dbg_puts("primary: ");
    microkit_dbg_puts(what);
    microkit_dbg_puts(": ");
    microkit_dbg_put32((seL4_Uint32)got);
    if (got != expected) {
        microkit_dbg_puts(", FAIL: expected ");
        microkit_dbg_put32((seL4_Uint32)expected);
        failures++;
    }
    microkit_dbg_puts("\n");
}

static void check_error(const char *what, seL4_Error error)
{
    if (error != seL4_NoError) {
        microkit_dbg_puts("primary: FAIL: ");
        microkit_dbg_puts(what);
        microkit_dbg_puts(": error ");
        microkit_dbg_put32(error);
        microkit_dbg_puts("\n");
        failures++;
    }
}

/* The time consumed on `sc` since the last read (the kernel resets it on each read). */
static seL4_Time consumed(seL4_CPtr sc, const char *what)
{
    seL4_SchedContext_Consumed_t result = seL4_SchedContext_Consumed(sc);
    check_error(what, (seL4_Error)result.error);
    return result.consumed;
}

void init(void)
{
    microkit_dbg_puts("primary: started\n");
    expect("the secondary has started", SHARED->started, 1);
    (void)consumed(SECONDARY_SC, "reading the secondary's SC");

    microkit_notify(SECONDARY_CHANNEL);
    expect("handled after the first notification", SHARED->handled, 1);
    if (consumed(SECONDARY_SC, "reading the secondary's SC") == 0) {
        microkit_dbg_puts("primary: FAIL: the secondary's SC consumed nothing while it ran\n");
        failures++;
    }

    microkit_dbg_puts("primary: suspending the secondary\n");
    check_error("suspending the secondary's TCB", seL4_TCB_Suspend(SECONDARY_TCB));
    microkit_notify(SECONDARY_CHANNEL);
    microkit_notify(SECONDARY_CHANNEL);
    expect("handled while suspended", SHARED->handled, 1);
    expect("the secondary's SC consumed while suspended", (seL4_Word)consumed(SECONDARY_SC, "reading the secondary's SC"),
           0);

    microkit_dbg_puts("primary: resuming the secondary\n");
    check_error("resuming the secondary's TCB", seL4_TCB_Resume(SECONDARY_TCB));
    /* The two signals merged into one pending notification, handled on resumption. */
    expect("handled after resuming", SHARED->handled, 2);
    if (consumed(OWN_SC, "reading the primary's own SC") == 0) {
        microkit_dbg_puts("primary: FAIL: the primary's own SC consumed nothing\n");
        failures++;
    }

    if (failures == 0) {
        microkit_dbg_puts("cap_sharing: test passed\n");
    } else {
        microkit_dbg_puts("cap_sharing: test FAILED\n");
    }
}

void notified(microkit_channel ch)
{
    (void)ch;
}
