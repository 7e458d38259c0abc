/*
 * Calls every function of <microkit.h> that this kernel configuration has, from C and from
 * C++ (pd.c, pd.cpp), so that the compile test sees each one compiled with -Wall -Wextra
 * -Werror and linked against libmicrokit.a.
 */
#pragma once

#include <microkit.h>

#ifdef __cplusplus
#define ZERO {}
#else
#define ZERO {0}
#endif

static inline seL4_Word use_every_api(microkit_channel ch)
{
    seL4_Word sum = 0;

    microkit_notify(ch);
    microkit_irq_ack(ch);
    microkit_deferred_notify(ch);
    microkit_deferred_irq_ack(ch);

    microkit_msginfo msg = microkit_msginfo_new(7, 2);
    microkit_mr_set(0, 1);
    microkit_mr_set(1, 2);
    msg = microkit_ppcall(ch, msg);
    sum += microkit_msginfo_get_label(msg) + microkit_msginfo_get_count(msg) + microkit_mr_get(0);

    microkit_pd_restart(1, 0x200000);
    microkit_pd_stop(1);
    microkit_pd_resume(1);

#if defined(CONFIG_ARM_HYPERVISOR_SUPPORT)
    microkit_vcpu_restart(0, 0x40000000);
    microkit_vcpu_stop(0);
    microkit_vcpu_arm_inject_irq(0, 33, 0, 0, 0);
    microkit_vcpu_arm_ack_vppi(0, 27);
    microkit_vcpu_arm_write_reg(0, seL4_VCPUReg_SCTLR, 0);
    sum += microkit_vcpu_arm_read_reg(0, seL4_VCPUReg_SCTLR);
#endif
#if defined(CONFIG_ALLOW_SMC_CALLS)
    /* Field by field: `= ZERO` is a memset call at -O0. */
    seL4_ARM_SMCContext args;
    seL4_ARM_SMCContext response;
    args.x0 = 0x84000000; /* PSCI_VERSION */
    args.x1 = args.x2 = args.x3 = args.x4 = args.x5 = args.x6 = args.x7 = 0;
    microkit_arm_smc_call(&args, &response);
    sum += response.x0;
#endif
#if defined(CONFIG_ARCH_X86_64)
    microkit_x86_ioport_write_8(0, 0x3f8, 'a');
    microkit_x86_ioport_write_16(0, 0x3f8, 1);
    microkit_x86_ioport_write_32(0, 0x3f8, 2);
    sum += microkit_x86_ioport_read_8(0, 0x3f8);
    sum += microkit_x86_ioport_read_16(0, 0x3f8);
    sum += microkit_x86_ioport_read_32(0, 0x3f8);
#if defined(CONFIG_VTX)
    microkit_vcpu_x86_write_vmcs(0, MICROKIT_VMX_GUEST_RIP, 0x1000);
    microkit_vcpu_x86_write_vmcs(0, 0x6800 /* guest CR0 */, 0);
    sum += microkit_vcpu_x86_read_vmcs(0, MICROKIT_VMX_GUEST_RIP);
    sum += microkit_vcpu_x86_read_vmcs(0, 0x6800);
#if defined(CONFIG_X86_64_VTX_64BIT_GUESTS)
    microkit_vcpu_x86_write_msr(0, 0xc0000080, 0);
    sum += microkit_vcpu_x86_read_msr(0, 0xc0000080);
#endif
    microkit_vcpu_x86_enable_ioport(0, 0, 0x3f8, 8);
    microkit_vcpu_x86_disable_ioport(0, 0x3f8, 8);
    seL4_VCPUContext regs = ZERO;
    microkit_vcpu_x86_write_regs(0, &regs);
    microkit_vcpu_x86_on();
    microkit_vcpu_x86_off();
#endif
#endif

    sum += microkit_cspace_root_slot_to_cptr(1);

    microkit_dbg_putc('x');
    microkit_dbg_puts(microkit_name);
    microkit_dbg_put8(255);
    microkit_dbg_put32(4294967295u);
    if (sum == 12345) {
        microkit_internal_crash(seL4_InvalidArgument);
    }
    return sum;
}
