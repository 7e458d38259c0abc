/*
 * libmicrokit's C API, source-compatible with seL4 Microkit 2.3.0's <microkit.h>: the same
 * types, constants, entry points, functions and messages, for PDs built against a Microkit
 * SDK layout (board/<board>/<config>/include and lib).
 *
 * Differences from Microkit's header, all so that C++ can include it:
 *  - the declarations are extern "C" under __cplusplus;
 *  - `protected` is a C++ keyword, so C++ code names that entry point `microkit_protected`,
 *    declared with the assembler name "protected": the symbol the event loop calls is the
 *    same in both languages. Portable code spells it MICROKIT_PROTECTED:
 *
 *        microkit_msginfo MICROKIT_PROTECTED(microkit_channel ch, microkit_msginfo msginfo)
 *        {
 *            ...
 *        }
 *
 *    In C this defines `protected`; in C++ it defines `microkit_protected` (which has C
 *    linkage from its declaration here, and the symbol name `protected`). C++ code that does
 *    not want the macro writes `microkit_protected` directly;
 *  - no aggregate is zero-initialised with `{0}` (a missing-field-initializers warning in
 *    C++, and a memset call at -O0): microkit_pd_restart sets the two fields libsel4 reads.
 */
#pragma once

#include <sel4/sel4.h>
#ifdef CONFIG_VTX
#include <sel4/arch/vmenter.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int microkit_channel;
typedef unsigned int microkit_child;
typedef unsigned int microkit_ioport;
typedef seL4_MessageInfo_t microkit_msginfo;

/*
 * Slots of the Microkit CNode (root CNode slot 0, addressed by small CPtrs). The system
 * builder puts the caps there; keep in sync with it.
 */
#define MONITOR_EP 5
/* Only in the benchmark configuration. */
#define TCB_CAP 6
/* Only in a PD with smc="true". */
#define ARM_SMC_CAP 7
#define BASE_OUTPUT_NOTIFICATION_CAP 10
#define BASE_ENDPOINT_CAP 74
#define BASE_IRQ_CAP 138
#define BASE_TCB_CAP 202
#define BASE_VM_TCB_CAP 266
#define BASE_VCPU_CAP 330
#define BASE_IOPORT_CAP 394
#define BASE_USER_CAPS 458

/* The PD's root CNode: 2^6 slots; slot 0 holds the Microkit CNode, 1.. the <cspace> caps. */
#define PD_ROOT_CAP_BITS 6
#define PD_ROOT_CAP_SIZE (1ULL << PD_ROOT_CAP_BITS)

#define MICROKIT_MAX_USER_CAPS 128
#define MICROKIT_MAX_CHANNELS 62
#define MICROKIT_MAX_CHANNEL_ID (MICROKIT_MAX_CHANNELS - 1)
#define MICROKIT_MAX_IOPORT_ID MICROKIT_MAX_CHANNELS
#define MICROKIT_PD_NAME_LENGTH 64

/* ---- Entry points, written by the PD ------------------------------------------------------ */

void init(void);
void notified(microkit_channel ch);
#ifdef __cplusplus
microkit_msginfo microkit_protected(microkit_channel ch, microkit_msginfo msginfo) __asm__("protected");
#define MICROKIT_PROTECTED microkit_protected
#else
microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo);
#define MICROKIT_PROTECTED protected
#endif
/* Return true to reply to the faulting child with *reply_msginfo (and resume it). */
seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo);

/* ---- State shared with libmicrokit --------------------------------------------------------- */

/* Written by the system builder into the ELF: the PD's name, NUL-terminated. */
extern char microkit_name[MICROKIT_PD_NAME_LENGTH];

/* The one deferred signal of this entry, sent by the event loop together with its next Recv. */
extern seL4_Bool microkit_have_signal;
extern seL4_CPtr microkit_signal_cap;
extern seL4_MessageInfo_t microkit_signal_msg;

#ifdef CONFIG_VTX
/* The VMCS fields that seL4_VMEnter passes in registers, kept here between entries. */
struct microkit_x86_vcpu_state {
    seL4_Bool is_on;
    seL4_Word rip;
    seL4_Word prim_proc_ctl;
    seL4_Word irq_info;
};
extern struct microkit_x86_vcpu_state microkit_x86_vcpu_state;
#endif

/* Written by the system builder: bit n is set when the PD has channel (or I/O port) n. */
extern seL4_Word microkit_irqs;
extern seL4_Word microkit_notifications;
extern seL4_Word microkit_pps;
extern seL4_Word microkit_ioports;

/* ---- Debug output (nothing without CONFIG_PRINTING) ---------------------------------------- */

void microkit_dbg_putc(int c);
/* A NUL-terminated string. */
void microkit_dbg_puts(const char *s);
/* In decimal. */
void microkit_dbg_put8(seL4_Uint8 x);
void microkit_dbg_put32(seL4_Uint32 x);

/* ---- Internals ----------------------------------------------------------------------------- */

/*
 * Stops the PD with a fault whose address is `err`, so that the fault report (from the
 * monitor or the parent) shows the error code.
 */
static inline void microkit_internal_crash(seL4_Error err)
{
    seL4_Word fault_address = (seL4_Word)err;
    /* Hidden from the optimiser, which warns (-Warray-bounds) about stores to small constants. */
    __asm__ volatile("" : "+r"(fault_address));
    *(volatile int *)fault_address = 0;
}

/*
 * Whether `id` is one of this PD's channels (or I/O ports) in `mask`; if not, says so on the
 * debug console as "<pd> <call>: invalid <what> given '<id>'".
 */
static inline seL4_Bool microkit_internal_check_id(seL4_Word mask, unsigned int id, unsigned int max_id,
                                                   const char *call, const char *what)
{
    if (id <= max_id && (mask & (1ULL << id)) != 0) {
        return seL4_True;
    }
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" ");
    microkit_dbg_puts(call);
    microkit_dbg_puts(": invalid ");
    microkit_dbg_puts(what);
    microkit_dbg_puts(" given '");
    microkit_dbg_put32(id);
    microkit_dbg_puts("'\n");
    return seL4_False;
}

static inline seL4_Bool microkit_internal_check_channel(seL4_Word mask, microkit_channel ch, const char *call)
{
    return microkit_internal_check_id(mask, ch, MICROKIT_MAX_CHANNEL_ID, call, "channel");
}

static inline seL4_Bool microkit_internal_check_ioport(microkit_ioport id, const char *call)
{
    return microkit_internal_check_id(microkit_ioports, id, MICROKIT_MAX_IOPORT_ID, call, "I/O Port ID");
}

/* A failed invocation whose failure the PD cannot handle: print `message` and crash. */
static inline void microkit_internal_check_error(seL4_Error err, const char *message)
{
    if (err != seL4_NoError) {
        microkit_dbg_puts(message);
        microkit_internal_crash(err);
    }
}

/* The same, with the child's number: "<call>: error <doing> TCB '<child>'". */
static inline void microkit_internal_check_tcb_error(seL4_Error err, const char *message, microkit_child child)
{
    if (err != seL4_NoError) {
        microkit_dbg_puts(message);
        microkit_dbg_put32(child);
        microkit_dbg_puts("'\n");
        microkit_internal_crash(err);
    }
}

/*
 * Restarts the thread in `tcb` at `entry_point`: one register, the PC, is written. libsel4
 * passes the context's first two fields in registers and reads no others for a count of 1,
 * so those two are all that is set (the second to 0, as Microkit's zeroed context has it);
 * zeroing the whole context would need memset, which a PD at -O0 has none of.
 */
static inline seL4_Error microkit_internal_restart(seL4_CPtr tcb, seL4_Word entry_point)
{
    seL4_UserContext ctxt;
#if defined(CONFIG_ARCH_X86_64)
    ctxt.rip = entry_point;
    ctxt.rsp = 0;
#elif defined(CONFIG_ARCH_AARCH64)
    ctxt.pc = entry_point;
    ctxt.sp = 0;
#elif defined(CONFIG_ARCH_RISCV)
    ctxt.pc = entry_point;
    ctxt.ra = 0;
#else
#error "Unsupported architecture for 'microkit_pd_restart'"
#endif
    return seL4_TCB_WriteRegisters(tcb, seL4_True, 0 /* no flags */, 1 /* the PC only */, &ctxt);
}

/* ---- Channels ------------------------------------------------------------------------------ */

static inline void microkit_notify(microkit_channel ch)
{
    if (microkit_internal_check_channel(microkit_notifications, ch, "microkit_notify")) {
        seL4_Signal(BASE_OUTPUT_NOTIFICATION_CAP + ch);
    }
}

static inline void microkit_irq_ack(microkit_channel ch)
{
    if (microkit_internal_check_channel(microkit_irqs, ch, "microkit_irq_ack")) {
        seL4_IRQHandler_Ack(BASE_IRQ_CAP + ch);
    }
}

/* A protected procedure call; on an invalid channel the answer is an empty message. */
static inline microkit_msginfo microkit_ppcall(microkit_channel ch, microkit_msginfo msginfo)
{
    if (!microkit_internal_check_channel(microkit_pps, ch, "microkit_ppcall")) {
        return seL4_MessageInfo_new(0, 0, 0, 0);
    }
    return seL4_Call(BASE_ENDPOINT_CAP + ch, msginfo);
}

/*
 * Deferred to the event loop, which sends it with the next receive. One per entry: a second
 * call replaces the first.
 */
static inline void microkit_deferred_notify(microkit_channel ch)
{
    if (microkit_internal_check_channel(microkit_notifications, ch, "microkit_deferred_notify")) {
        microkit_have_signal = seL4_True;
        microkit_signal_msg = seL4_MessageInfo_new(0, 0, 0, 0);
        microkit_signal_cap = BASE_OUTPUT_NOTIFICATION_CAP + ch;
    }
}

/* An IRQ handler's Ack, deferred like microkit_deferred_notify (the send is the invocation). */
static inline void microkit_deferred_irq_ack(microkit_channel ch)
{
    if (microkit_internal_check_channel(microkit_irqs, ch, "microkit_deferred_irq_ack")) {
        microkit_have_signal = seL4_True;
        microkit_signal_msg = seL4_MessageInfo_new(IRQAckIRQ, 0, 0, 0);
        microkit_signal_cap = BASE_IRQ_CAP + ch;
    }
}

/* ---- Child PDs ------------------------------------------------------------------------------ */

static inline void microkit_pd_restart(microkit_child pd, seL4_Word entry_point)
{
    microkit_internal_check_error(microkit_internal_restart(BASE_TCB_CAP + pd, entry_point),
                                  "microkit_pd_restart: error writing TCB registers\n");
}

static inline void microkit_pd_stop(microkit_child pd)
{
    microkit_internal_check_tcb_error(seL4_TCB_Suspend(BASE_TCB_CAP + pd), "microkit_pd_stop: error stopping TCB '",
                                      pd);
}

static inline void microkit_pd_resume(microkit_child pd)
{
    microkit_internal_check_tcb_error(seL4_TCB_Resume(BASE_TCB_CAP + pd), "microkit_pd_resume: error resuming TCB '",
                                      pd);
}

/* ---- Messages ------------------------------------------------------------------------------ */

static inline microkit_msginfo microkit_msginfo_new(seL4_Word label, seL4_Uint16 count)
{
    return seL4_MessageInfo_new(label, 0, 0, count);
}

static inline seL4_Word microkit_msginfo_get_label(microkit_msginfo msginfo)
{
    return seL4_MessageInfo_get_label(msginfo);
}

static inline seL4_Word microkit_msginfo_get_count(microkit_msginfo msginfo)
{
    return seL4_MessageInfo_get_length(msginfo);
}

static inline void microkit_mr_set(seL4_Uint8 mr, seL4_Word value)
{
    seL4_SetMR(mr, value);
}

static inline seL4_Word microkit_mr_get(seL4_Uint8 mr)
{
    return seL4_GetMR(mr);
}

/* ---- Virtual machines on ARM (a hypervisor kernel) ----------------------------------------- */

#if defined(CONFIG_ARM_HYPERVISOR_SUPPORT)
static inline void microkit_vcpu_restart(microkit_child vcpu, seL4_Word entry_point)
{
    microkit_internal_check_error(microkit_internal_restart(BASE_VM_TCB_CAP + vcpu, entry_point),
                                  "microkit_vcpu_restart: error writing registers\n");
}

static inline void microkit_vcpu_stop(microkit_child vcpu)
{
    microkit_internal_check_error(seL4_TCB_Suspend(BASE_VM_TCB_CAP + vcpu), "microkit_vcpu_stop: error suspending TCB\n");
}

static inline void microkit_vcpu_arm_inject_irq(microkit_child vcpu, seL4_Uint16 irq, seL4_Uint8 priority,
                                                seL4_Uint8 group, seL4_Uint8 index)
{
    microkit_internal_check_error(seL4_ARM_VCPU_InjectIRQ(BASE_VCPU_CAP + vcpu, irq, priority, group, index),
                                  "microkit_vcpu_arm_inject_irq: error injecting IRQ\n");
}

static inline void microkit_vcpu_arm_ack_vppi(microkit_child vcpu, seL4_Word irq)
{
    microkit_internal_check_error(seL4_ARM_VCPU_AckVPPI(BASE_VCPU_CAP + vcpu, irq),
                                  "microkit_vcpu_arm_ack_vppi: error acking VPPI\n");
}

static inline seL4_Word microkit_vcpu_arm_read_reg(microkit_child vcpu, seL4_Word reg)
{
    seL4_ARM_VCPU_ReadRegs_t result = seL4_ARM_VCPU_ReadRegs(BASE_VCPU_CAP + vcpu, (seL4_VCPUReg)reg);
    microkit_internal_check_error((seL4_Error)result.error,
                                  "microkit_vcpu_arm_read_reg: error reading vCPU register\n");
    return result.value;
}

static inline void microkit_vcpu_arm_write_reg(microkit_child vcpu, seL4_Word reg, seL4_Word value)
{
    microkit_internal_check_error(seL4_ARM_VCPU_WriteRegs(BASE_VCPU_CAP + vcpu, (seL4_VCPUReg)reg, value),
                                  "microkit_vcpu_arm_write_reg: error writing vCPU register\n");
}
#endif /* CONFIG_ARM_HYPERVISOR_SUPPORT */

/* ---- Secure monitor calls (ARM, a PD with smc="true") -------------------------------------- */

#if defined(CONFIG_ALLOW_SMC_CALLS)
static inline void microkit_arm_smc_call(seL4_ARM_SMCContext *args, seL4_ARM_SMCContext *response)
{
    microkit_internal_check_error(seL4_ARM_SMC_Call(ARM_SMC_CAP, args, response),
                                  "microkit_arm_smc_call: error making SMC call\n");
}
#endif /* CONFIG_ALLOW_SMC_CALLS */

/* ---- x86 I/O ports ------------------------------------------------------------------------- */

#if defined(CONFIG_ARCH_X86_64)
static inline void microkit_x86_ioport_write_8(microkit_ioport ioport_id, seL4_Word port_addr, seL4_Word data)
{
    if (microkit_internal_check_ioport(ioport_id, "microkit_x86_ioport_write_8")) {
        microkit_internal_check_error(seL4_X86_IOPort_Out8(BASE_IOPORT_CAP + ioport_id, port_addr, data),
                                      "microkit_x86_ioport_write_8: error writing data\n");
    }
}

static inline void microkit_x86_ioport_write_16(microkit_ioport ioport_id, seL4_Word port_addr, seL4_Word data)
{
    if (microkit_internal_check_ioport(ioport_id, "microkit_x86_ioport_write_16")) {
        microkit_internal_check_error(seL4_X86_IOPort_Out16(BASE_IOPORT_CAP + ioport_id, port_addr, data),
                                      "microkit_x86_ioport_write_16: error writing data\n");
    }
}

static inline void microkit_x86_ioport_write_32(microkit_ioport ioport_id, seL4_Word port_addr, seL4_Word data)
{
    if (microkit_internal_check_ioport(ioport_id, "microkit_x86_ioport_write_32")) {
        microkit_internal_check_error(seL4_X86_IOPort_Out32(BASE_IOPORT_CAP + ioport_id, port_addr, data),
                                      "microkit_x86_ioport_write_32: error writing data\n");
    }
}

/* The reads answer 0 on an invalid I/O port. */
static inline seL4_Uint8 microkit_x86_ioport_read_8(microkit_ioport ioport_id, seL4_Word port_addr)
{
    if (!microkit_internal_check_ioport(ioport_id, "microkit_x86_ioport_read_8")) {
        return 0;
    }
    seL4_X86_IOPort_In8_t result = seL4_X86_IOPort_In8(BASE_IOPORT_CAP + ioport_id, port_addr);
    microkit_internal_check_error((seL4_Error)result.error, "microkit_x86_ioport_read_8: error reading data\n");
    return result.result;
}

static inline seL4_Uint16 microkit_x86_ioport_read_16(microkit_ioport ioport_id, seL4_Word port_addr)
{
    if (!microkit_internal_check_ioport(ioport_id, "microkit_x86_ioport_read_16")) {
        return 0;
    }
    seL4_X86_IOPort_In16_t result = seL4_X86_IOPort_In16(BASE_IOPORT_CAP + ioport_id, port_addr);
    microkit_internal_check_error((seL4_Error)result.error, "microkit_x86_ioport_read_16: error reading data\n");
    return result.result;
}

static inline seL4_Uint32 microkit_x86_ioport_read_32(microkit_ioport ioport_id, seL4_Word port_addr)
{
    if (!microkit_internal_check_ioport(ioport_id, "microkit_x86_ioport_read_32")) {
        return 0;
    }
    seL4_X86_IOPort_In32_t result = seL4_X86_IOPort_In32(BASE_IOPORT_CAP + ioport_id, port_addr);
    microkit_internal_check_error((seL4_Error)result.error, "microkit_x86_ioport_read_32: error reading data\n");
    return result.result;
}

/* ---- Virtual machines on x86 (VT-x) -------------------------------------------------------- */

#if defined(CONFIG_VTX)
/*
 * VMCS field encodings (Intel SDM, appendix B; seL4's include/arch/x86/arch/object/vcpu.h).
 * These three travel in registers with seL4_VMEnter, so libmicrokit keeps them in
 * microkit_x86_vcpu_state instead of the VMCS. A PD is assumed to have one vCPU.
 */
#define MICROKIT_VMX_GUEST_RIP 0x0000681E
#define MICROKIT_VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS 0x00004002
#define MICROKIT_VMX_CONTROL_ENTRY_INTERRUPTION_INFO 0x00004016

/* The local copy of `field` if seL4_VMEnter carries it, else null. */
static inline seL4_Word *microkit_internal_vmenter_field(seL4_Word field)
{
    switch (field) {
    case MICROKIT_VMX_GUEST_RIP:
        return &microkit_x86_vcpu_state.rip;
    case MICROKIT_VMX_CONTROL_PRIMARY_PROCESSOR_CONTROLS:
        return &microkit_x86_vcpu_state.prim_proc_ctl;
    case MICROKIT_VMX_CONTROL_ENTRY_INTERRUPTION_INFO:
        return &microkit_x86_vcpu_state.irq_info;
    default:
        return (seL4_Word *)0;
    }
}

static inline seL4_Word microkit_vcpu_x86_read_vmcs(microkit_child vcpu, seL4_Word field)
{
    seL4_Word *local = microkit_internal_vmenter_field(field);
    if (local) {
        return *local;
    }
    seL4_X86_VCPU_ReadVMCS_t result = seL4_X86_VCPU_ReadVMCS(BASE_VCPU_CAP + vcpu, field);
    microkit_internal_check_error((seL4_Error)result.error, "microkit_x86_read_vmcs: error reading data\n");
    return result.value;
}

/* The three fields above reach the VMCS with the next seL4_VMEnter; others at once. */
static inline void microkit_vcpu_x86_write_vmcs(microkit_child vcpu, seL4_Word field, seL4_Word value)
{
    seL4_Word *local = microkit_internal_vmenter_field(field);
    if (local) {
        *local = value;
        return;
    }
    seL4_X86_VCPU_WriteVMCS_t result = seL4_X86_VCPU_WriteVMCS(BASE_VCPU_CAP + vcpu, field, value);
    microkit_internal_check_error((seL4_Error)result.error, "microkit_x86_write_vmcs: error writing data\n");
}

/* libsel4 has the MSR calls only for 64-bit guests (Microkit's x86_64_generic_vtx has them). */
#if defined(CONFIG_X86_64_VTX_64BIT_GUESTS)
static inline seL4_Word microkit_vcpu_x86_read_msr(microkit_child vcpu, seL4_Word field)
{
    seL4_X86_VCPU_ReadMSR_t result = seL4_X86_VCPU_ReadMSR(BASE_VCPU_CAP + vcpu, field);
    microkit_internal_check_error((seL4_Error)result.error, "microkit_x86_read_msr: error reading data\n");
    return result.value;
}

static inline void microkit_vcpu_x86_write_msr(microkit_child vcpu, seL4_Word field, seL4_Word value)
{
    seL4_X86_VCPU_WriteMSR_t result = seL4_X86_VCPU_WriteMSR(BASE_VCPU_CAP + vcpu, field, value);
    microkit_internal_check_error((seL4_Error)result.error, "microkit_x86_write_msr: error writing data\n");
}
#endif /* CONFIG_X86_64_VTX_64BIT_GUESTS */

/* Lets the guest use ports [port_addr, port_addr + length) of the PD's I/O port `ioport_id`. */
static inline void microkit_vcpu_x86_enable_ioport(microkit_child vcpu, microkit_ioport ioport_id, seL4_Word port_addr,
                                                   seL4_Word length)
{
    if (microkit_internal_check_ioport(ioport_id, "microkit_vcpu_x86_enable_ioport")) {
        microkit_internal_check_error(seL4_X86_VCPU_EnableIOPort(BASE_VCPU_CAP + vcpu, BASE_IOPORT_CAP + ioport_id,
                                                                 port_addr, port_addr + length - 1),
                                      "microkit_vcpu_x86_enable_ioport: error enabling I/O Port\n");
    }
}

static inline void microkit_vcpu_x86_disable_ioport(microkit_child vcpu, seL4_Word port_addr, seL4_Word length)
{
    microkit_internal_check_error(seL4_X86_VCPU_DisableIOPort(BASE_VCPU_CAP + vcpu, port_addr, port_addr + length - 1),
                                  "microkit_vcpu_x86_disable_ioport: error disabling I/O Port\n");
}

static inline void microkit_vcpu_x86_write_regs(microkit_child vcpu, seL4_VCPUContext *regs)
{
    microkit_internal_check_error(seL4_X86_VCPU_WriteRegisters(BASE_VCPU_CAP + vcpu, regs),
                                  "microkit_vcpu_x86_write_regs: error writing vCPU registers\n");
}

/* While on, the event loop waits by entering the guest (a TCB has at most one vCPU). */
static inline void microkit_vcpu_x86_on(void)
{
    microkit_x86_vcpu_state.is_on = seL4_True;
}

static inline void microkit_vcpu_x86_off(void)
{
    microkit_x86_vcpu_state.is_on = seL4_False;
}
#endif /* CONFIG_VTX */
#endif /* CONFIG_ARCH_X86_64 */

/* ---- Shared caps (<cspace>) ---------------------------------------------------------------- */

/*
 * The CPtr of root CNode slot `slot` (a <cspace> cap's "slot"), or seL4_CapNull if the slot is
 * 0 (the Microkit CNode) or beyond the root CNode.
 */
static inline seL4_CPtr microkit_cspace_root_slot_to_cptr(seL4_Word slot)
{
    if (slot == 0 || slot >= PD_ROOT_CAP_SIZE) {
        return seL4_CapNull;
    }
    return slot << (seL4_WordBits - PD_ROOT_CAP_BITS);
}

#ifdef __cplusplus
} /* extern "C" */
#endif
