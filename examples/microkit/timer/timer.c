/* timer: programs the EL1 physical timer of the ARM generic timer from EL0 (CNTP_TVAL_EL0,
 * CNTP_CTL_EL0), takes its interrupt on channel 0, acks it with microkit_irq_ack and
 * measures the intervals between ticks with the physical counter (CNTPCT_EL0, CNTFRQ_EL0). */
#include <microkit.h>

#define TIMER_IRQ_CHANNEL 0
#define TICKS 5
#define PERIOD_US 10000UL
/* A tick never comes early; under a loaded host QEMU may deliver it late, but not this late. */
#define LATEST_US 500000UL

/* CNTP_CTL_EL0 bits. */
#define CTL_ENABLE 1UL
#define CTL_IMASK 2UL
#define CTL_ISTATUS 4UL

static seL4_Word frequency;
static seL4_Word programmed_at;
static seL4_Word ticks;
static seL4_Word intervals_us[TICKS];
static int spurious;

static inline seL4_Word read_cntfrq(void)
{
    seL4_Word value;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(value));
    return value;
}

static inline seL4_Word read_cntpct(void)
{
    seL4_Word value;
    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(value));
    return value;
}

static inline seL4_Word read_ctl(void)
{
    seL4_Word value;
    __asm__ volatile("mrs %0, cntp_ctl_el0" : "=r"(value));
    return value;
}

static inline void write_ctl(seL4_Word value)
{
    __asm__ volatile("msr cntp_ctl_el0, %0; isb" ::"r"(value));
}

static inline void write_tval(seL4_Word value)
{
    __asm__ volatile("msr cntp_tval_el0, %0; isb" ::"r"(value));
}

/* Starts the next period: the compare value moves PERIOD_US ahead, which also drops the
 * level of the interrupt. */
static void program(void)
{
    programmed_at = read_cntpct();
    write_tval(frequency * PERIOD_US / 1000000);
    write_ctl(CTL_ENABLE);
}

void init(void)
{
    frequency = read_cntfrq();
    microkit_dbg_puts("timer: counter frequency ");
    microkit_dbg_put32((seL4_Uint32)frequency);
    microkit_dbg_puts(" Hz, ");
    microkit_dbg_put32(TICKS);
    microkit_dbg_puts(" ticks of ");
    microkit_dbg_put32(PERIOD_US);
    microkit_dbg_puts(" us\n");
    if (frequency < 1000000) {
        microkit_dbg_puts("timer: FAIL: no plausible counter frequency\n");
        microkit_dbg_puts("timer: test FAILED\n");
        return;
    }
    program();
}

static void finish(void)
{
    int ok = spurious == 0;
    for (int i = 0; i < TICKS; i++) {
        microkit_dbg_puts("timer: tick ");
        microkit_dbg_put32((seL4_Uint32)(i + 1));
        microkit_dbg_puts(" after ");
        microkit_dbg_put32((seL4_Uint32)intervals_us[i]);
        microkit_dbg_puts(" us\n");
        if (intervals_us[i] < PERIOD_US || intervals_us[i] > LATEST_US) {
            microkit_dbg_puts("timer: FAIL: that interval is out of range\n");
            ok = 0;
        }
    }
    microkit_dbg_puts(ok ? "timer: test passed\n" : "timer: test FAILED\n");
}

void notified(microkit_channel ch)
{
    seL4_Word now = read_cntpct();
    if (ch != TIMER_IRQ_CHANNEL) {
        microkit_dbg_puts("timer: unexpected notification\n");
        return;
    }
    seL4_Word ctl = read_ctl();
    if ((ctl & CTL_ISTATUS) == 0) {
        microkit_dbg_puts("timer: FAIL: an interrupt without the timer's condition\n");
        spurious++;
    }
    if (ticks < TICKS) {
        intervals_us[ticks] = (now - programmed_at) * 1000000 / frequency;
        ticks++;
    }
    if (ticks < TICKS) {
        program();
    } else {
        write_ctl(CTL_IMASK); /* disabled */
    }
    microkit_irq_ack(TIMER_IRQ_CHANNEL);
    if (ticks == TICKS) {
        ticks++;
        finish();
    }
}
