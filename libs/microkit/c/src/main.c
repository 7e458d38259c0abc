/*
 * libmicrokit's runtime: the symbols the system builder patches, the IPC buffer, and the
 * event loop that turns the PD's messages into calls of its entry points (as Microkit 2.3.0's
 * libmicrokit/src/main.c does).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4/sel4.h>

#include <microkit.h>

/* The PD's own caps in the Microkit CNode. */
#define INPUT_CAP 1 /* its endpoint if it has one, else its notification */
#define REPLY_CAP 4

/* Badges: a PPC has bit 63 and the channel; a fault bit 62 and the child's (or vCPU's) id. */
#define BADGE_ENDPOINT_BIT 63
#define BADGE_FAULT_BIT 62
#define PD_MASK 0xff
#define CHANNEL_MASK 0x3f

/*
 * The builder writes these into the ELF after linking, so each must stay a defined symbol of
 * its exact size even where nothing here reads it; `retain` keeps it from --gc-sections.
 */
#define PATCHED __attribute__((used, retain))

PATCHED bool microkit_passive;
PATCHED char microkit_name[MICROKIT_PD_NAME_LENGTH];
PATCHED seL4_Word microkit_irqs;
PATCHED seL4_Word microkit_notifications;
PATCHED seL4_Word microkit_pps;
PATCHED seL4_Word microkit_ioports;

seL4_Bool microkit_have_signal = seL4_False;
seL4_CPtr microkit_signal_cap;
seL4_MessageInfo_t microkit_signal_msg;

#if defined(CONFIG_VTX)
struct microkit_x86_vcpu_state microkit_x86_vcpu_state;
#endif

/*
 * libsel4 (LibSel4UseThreadLocals=OFF) reads the IPC buffer through this plain global. The
 * builder maps the PD's IPC buffer at the top page of user memory.
 */
#define IPC_BUFFER_PAGE_MASK ((1ULL << seL4_PageBits) - 1)
seL4_IPCBuffer *__sel4_ipc_buffer = (seL4_IPCBuffer *)(seL4_UserVSpaceTop & ~IPC_BUFFER_PAGE_MASK);
_Static_assert(sizeof(seL4_IPCBuffer) <= (1ULL << seL4_PageBits), "the IPC buffer must fit in its page");

/* From microkit.ld. */
typedef void (*init_function)(void);
extern const init_function __init_array_start[];
extern const init_function __init_array_end[];

/* Defaults for the optional entry points: a PD that gets a PPC or a fault must define them. */
__attribute__((weak)) microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)ch;
    (void)msginfo;
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" is missing the 'protected' entry point\n");
    microkit_internal_crash(0);
    return seL4_MessageInfo_new(0, 0, 0, 0);
}

__attribute__((weak)) seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    (void)child;
    (void)msginfo;
    (void)reply_msginfo;
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" is missing the 'fault' entry point\n");
    microkit_internal_crash(0);
    return seL4_False;
}

static void run_constructors(void)
{
    for (const init_function *f = __init_array_start; f != __init_array_end; f++) {
        (*f)();
    }
}

/* Sends the deferred signal on its own, where no receive can carry it. */
static void send_deferred_signal(void)
{
    if (microkit_have_signal) {
        seL4_Send(microkit_signal_cap, microkit_signal_msg);
        microkit_have_signal = seL4_False;
    }
}

#if defined(CONFIG_VTX)
/*
 * Runs the guest until it exits (a fault, given to fault() with badge bit 62) or a
 * notification arrives (the badge's bits, as for a Recv).
 */
static seL4_MessageInfo_t enter_guest(seL4_Word *badge)
{
    /* No syscall combines VMEnter with a send. */
    send_deferred_signal();

    struct microkit_x86_vcpu_state *vcpu = &microkit_x86_vcpu_state;
    /* In-out registers of the syscall: what goes in is ignored. */
    seL4_Word is_fault = 0;
    seL4_Word fault_reason = 0;
    x64_sys_send_recv(seL4_SysVMEnter, 0, badge, 0, &is_fault, &vcpu->rip, &vcpu->prim_proc_ctl, &vcpu->irq_info,
                      &fault_reason, 0);
    /*
     * The kernel returns these in registers only; the documented interface (and a PD that
     * reads them with microkit_mr_get) has them in the message registers.
     */
    microkit_mr_set(SEL4_VMENTER_CALL_EIP_MR, vcpu->rip);
    microkit_mr_set(SEL4_VMENTER_CALL_CONTROL_PPC_MR, vcpu->prim_proc_ctl);
    microkit_mr_set(SEL4_VMENTER_CALL_INTERRUPT_INFO_MR, vcpu->irq_info);
    if (!is_fault) {
        return seL4_MessageInfo_new(0, 0, 0, 0);
    }
    microkit_mr_set(SEL4_VMENTER_FAULT_REASON_MR, fault_reason);
    *badge |= 1ULL << BADGE_FAULT_BIT;
    return seL4_MessageInfo_new(0, 0, 0, SEL4_VMENTER_NUM_FAULT_MSGS);
}
#endif

/*
 * Replies if a reply is pending, sends the deferred signal, and waits for the next message:
 * one syscall where the kernel has one for the combination.
 */
static seL4_MessageInfo_t next_message(bool have_reply, seL4_MessageInfo_t reply_tag, seL4_Word *badge)
{
#if defined(CONFIG_VTX)
    /* A PD with a bound vCPU receives no PPCs on x86, so no reply is pending. */
    if (microkit_x86_vcpu_state.is_on) {
        return enter_guest(badge);
    }
#endif
    if (have_reply) {
        /* ReplyRecv cannot carry a signal: send it first, so that it is not lost. */
        send_deferred_signal();
        return seL4_ReplyRecv(INPUT_CAP, reply_tag, badge, REPLY_CAP);
    }
    if (microkit_have_signal) {
        microkit_have_signal = seL4_False;
        return seL4_NBSendRecv(microkit_signal_cap, microkit_signal_msg, INPUT_CAP, badge, REPLY_CAP);
    }
    return seL4_Recv(INPUT_CAP, badge, REPLY_CAP);
}

/* Calls notified() for each bit of `bits`, lowest channel first. */
static void deliver_notifications(seL4_Word bits)
{
    for (microkit_channel ch = 0; bits != 0; ch++, bits >>= 1) {
        if (bits & 1) {
            notified(ch);
        }
    }
}

__attribute__((noreturn)) static void handler_loop(void)
{
    bool have_reply = false;
    seL4_MessageInfo_t reply_tag = seL4_MessageInfo_new(0, 0, 0, 0);

    /* An IRQ that fired before its handler was bound stays masked until acked (seL4#1536). */
    seL4_Word irqs = microkit_irqs;
    for (microkit_channel ch = 0; irqs != 0; ch++, irqs >>= 1) {
        if (irqs & 1) {
            microkit_irq_ack(ch);
        }
    }

    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t tag = next_message(have_reply, reply_tag, &badge);
        have_reply = false;
        if ((badge >> BADGE_FAULT_BIT) & 1) {
            seL4_Bool reply = fault(badge & PD_MASK, tag, &reply_tag);
#if defined(CONFIG_VTX)
            /* A vCPU's exit has no one to reply to; `false` leaves the guest stopped. */
            if (!reply) {
                microkit_x86_vcpu_state.is_on = seL4_False;
            }
            reply = seL4_False;
#endif
            have_reply = reply;
        } else if (badge >> BADGE_ENDPOINT_BIT) {
            reply_tag = protected(badge & CHANNEL_MASK, tag);
            have_reply = true;
        } else {
            deliver_notifications(badge);
        }
    }
}

/* Entered from _start (crt0.S) on the stack the builder set up, with no arguments. */
void main(void)
{
    run_constructors();
    init();

    /*
     * A passive PD asks the monitor to move its scheduling context to its notification, with
     * the first receive: from then on it runs only on its callers' time.
     */
    if (microkit_passive) {
        microkit_have_signal = seL4_True;
        microkit_signal_msg = seL4_MessageInfo_new(0, 0, 0, 0);
        microkit_signal_cap = MONITOR_EP;
    }

    handler_loop();
}
