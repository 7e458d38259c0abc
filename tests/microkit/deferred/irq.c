/* The IRQ part of microkit.deferred: a device interrupt that stays asserted until the PD
 * quiets the device, acknowledged with microkit_deferred_irq_ack, which the event loop
 * performs with its next receive. While the line is asserted each acknowledgement brings the
 * interrupt again: the PD takes it five times (it could not, had a deferred ack been lost),
 * then quiets the device, acks at once, and tells the checker with a deferred notify.
 *
 * The device, per arch (each level-triggered, asserted from the PD's init on):
 *   aarch64: the EL1 physical timer of the generic timer (PPI, INTID 30), its compare value
 *            in the past; quieted by masking it (CNTP_CTL_EL0.IMASK).
 *   riscv64: the 16550 UART of QEMU's virt machine (0x10000000, PLIC source 10, the console
 *            that OpenSBI writes to), its transmitter-empty interrupt (IER.ETBEI), asserted
 *            while the transmit holding register is empty; quieted by clearing IER.
 *   x86_64:  a second 16550 (COM2, I/O ports 0x2f8..0x2ff, I/O APIC pin 3; QEMU is given
 *            `-serial null` for it), the same interrupt. */
#include <microkit.h>

#define DEVICE_IRQ 0
#define CHECKER 1
#define DELIVERIES 5

#define UART_IER 1       /* the interrupt enable register's offset */
#define UART_IER_ETBEI 2 /* transmit holding register empty */

#if defined(__aarch64__)
#define CTL_ENABLE 1UL
#define CTL_IMASK 2UL

static void device_start(void)
{
    /* A compare value one tick ahead: the condition holds from then on. */
    __asm__ volatile("msr cntp_tval_el0, %0; isb" ::"r"(1UL));
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" ::"r"(CTL_ENABLE));
}

static void device_quiet(void)
{
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" ::"r"(CTL_IMASK));
}
#elif defined(__riscv)
seL4_Word uart_base = 1; /* patched: the UART's registers */

static void uart_write(seL4_Word offset, seL4_Uint8 value)
{
    *(volatile seL4_Uint8 *)(uart_base + offset) = value;
}

static void device_start(void)
{
    uart_write(UART_IER, UART_IER_ETBEI);
}

static void device_quiet(void)
{
    uart_write(UART_IER, 0);
}
#elif defined(__x86_64__)
#define COM2 0x2f8
#define COM2_PORTS 0 /* the <ioport> id */

static void device_start(void)
{
    microkit_x86_ioport_write_8(COM2_PORTS, COM2 + UART_IER, UART_IER_ETBEI);
}

static void device_quiet(void)
{
    microkit_x86_ioport_write_8(COM2_PORTS, COM2 + UART_IER, 0);
}
#else
#error "no device interrupt for this architecture"
#endif

static unsigned int deliveries;

void init(void)
{
    microkit_dbg_puts("irq: asserting the device's interrupt\n");
    device_start();
}

void notified(microkit_channel ch)
{
    if (ch != DEVICE_IRQ) {
        microkit_dbg_puts("irq: unexpected notification\n");
        return;
    }
    deliveries++;
    if (deliveries < DELIVERIES) {
        microkit_dbg_puts("irq: interrupt ");
        microkit_dbg_put32(deliveries);
        microkit_dbg_puts(", acked deferred\n");
        microkit_deferred_irq_ack(DEVICE_IRQ);
        return;
    }
    /* Quiet first: on riscv64 the PD's output goes out through the same UART, and each
     * character written would raise its interrupt again. */
    device_quiet();
    microkit_irq_ack(DEVICE_IRQ);
    microkit_dbg_puts("irq: interrupt ");
    microkit_dbg_put32(deliveries);
    if (deliveries == DELIVERIES) {
        microkit_dbg_puts(", the device quieted\n");
        microkit_dbg_puts("deferred: IRQ ack passed\n");
        microkit_deferred_notify(CHECKER);
    } else {
        microkit_dbg_puts(", after the device was quieted (raised before it was)\n");
    }
}
