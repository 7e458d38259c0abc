/* microkit.vm: a PD with a virtual machine of one vCPU (aarch64, hypervisor kernel). The VMM
 * starts the vCPU at the guest's code (guest.S, the guest memory's prefill) and receives the
 * stage-2 fault of the guest's read as a fault of child 0: label VMFault, at the guest's
 * address, from the guest's PC. That proves the vCPU ran the guest's code in the VM's address
 * space and that its faults reach its VMM with the vCPU's id. */
#include <microkit.h>

#define GUEST_VCPU 0
#define GUEST_ENTRY 0x40000000
#define GUEST_READ_ADDRESS 0x12345000
#define GUEST_READ_PC (GUEST_ENTRY + 8) /* the ldr, the third instruction */

static void put_hex(const char *what, seL4_Word value)
{
    microkit_dbg_puts(what);
    microkit_dbg_puts("0x");
    for (int shift = 60; shift >= 0; shift -= 4)
        microkit_dbg_putc("0123456789abcdef"[(value >> shift) & 0xf]);
    microkit_dbg_puts("\n");
}

void init(void)
{
    microkit_dbg_puts("vmm: starting the guest\n");
    microkit_vcpu_restart(GUEST_VCPU, GUEST_ENTRY);
}

void notified(microkit_channel ch)
{
    (void)ch;
}

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)reply_msginfo;
    const seL4_Word label = microkit_msginfo_get_label(msginfo);
    const seL4_Word ip = microkit_mr_get(seL4_VMFault_IP), address = microkit_mr_get(seL4_VMFault_Addr);
    put_hex("vmm: vCPU fault, label ", label);
    put_hex("vmm: guest pc ", ip);
    put_hex("vmm: fault address ", address);
    if (child == GUEST_VCPU && label == seL4_Fault_VMFault && address == GUEST_READ_ADDRESS && ip == GUEST_READ_PC) {
        microkit_vcpu_stop(GUEST_VCPU);
        microkit_dbg_puts("vm: test passed\n");
    } else {
        microkit_dbg_puts("vm: test failed\n");
    }
    return seL4_False;
}
