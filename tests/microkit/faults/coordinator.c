/* The coordinator of microkit.faults: notifies each faulting PD in turn. Each has a higher
 * priority, so it runs at once and faults, and the monitor (higher still) reports the fault
 * before the coordinator goes on; after the last the coordinator prints the success line. */
#include <microkit.h>

static const char *const names[] = {"fault_vm", "fault_cap", "fault_syscall"};

void init(void)
{
    for (microkit_channel ch = 0; ch < sizeof names / sizeof names[0]; ch++) {
        microkit_dbg_puts("coordinator: notifying ");
        microkit_dbg_puts(names[ch]);
        microkit_dbg_puts("\n");
        microkit_notify(ch);
    }
    microkit_dbg_puts("coordinator: the three PDs have faulted\n");
    microkit_dbg_puts("faults: test passed\n");
}

void notified(microkit_channel ch)
{
    microkit_dbg_puts("coordinator: unexpected notification on channel ");
    microkit_dbg_put32(ch);
    microkit_dbg_puts("\n");
}
