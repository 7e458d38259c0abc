/* The libsel4 side of bindings.equivalence: each function issues one invocation
 * through libsel4's generated C stubs, on `service` (an endpoint in the test, so that
 * a recording thread receives what the stub sends). Compiled as C against the world's
 * libsel4 headers; __thread is defined away, so libsel4's IPC buffer pointer is a plain
 * global (this test runs without TLS). */
#include <sel4/sel4.h>

#include "equivalence_libsel4.h"

seL4_IPCBuffer *__sel4_ipc_buffer;

/* DATA_ATTRIBUTES: those of paging::data_attributes (tests/bindings/arch/<arch>/paging.hpp). */
#if defined(CONFIG_ARCH_AARCH64)
#define PAGE_MAP seL4_ARM_Page_Map
#define PAGE_GET_ADDRESS seL4_ARM_Page_GetAddress
#define PAGE_GET_ADDRESS_RESULT seL4_ARM_Page_GetAddress_t
#define DATA_ATTRIBUTES (seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever)
#define ASID_POOL_ASSIGN seL4_ARM_ASIDPool_Assign
#elif defined(CONFIG_ARCH_RISCV)
#define PAGE_MAP seL4_RISCV_Page_Map
#define PAGE_GET_ADDRESS seL4_RISCV_Page_GetAddress
#define PAGE_GET_ADDRESS_RESULT seL4_RISCV_Page_GetAddress_t
#define DATA_ATTRIBUTES (seL4_RISCV_Default_VMAttributes | seL4_RISCV_ExecuteNever)
#define ASID_POOL_ASSIGN seL4_RISCV_ASIDPool_Assign
#elif defined(CONFIG_ARCH_X86_64)
#define PAGE_MAP seL4_X86_Page_Map
#define PAGE_GET_ADDRESS seL4_X86_Page_GetAddress
#define PAGE_GET_ADDRESS_RESULT seL4_X86_Page_GetAddress_t
#define DATA_ATTRIBUTES seL4_X86_WriteThrough
#define ASID_POOL_ASSIGN seL4_X86_ASIDPool_Assign
#endif

/* The guard the TCB cases give the new CSpace root. */
#define GUARD seL4_CNode_CapData_new(0x3, 5).words[0]

/* The fault endpoint of TCB_Configure and TCB_SetSpace: a word without MCS, a capability with it. */
#ifdef CONFIG_KERNEL_MCS
#define FAULT_ENDPOINT(caps) ((caps)->tcb)
#else
#define FAULT_ENDPOINT(caps) 0x44
#endif

void c_set_ipc_buffer(void *buffer) { seL4_SetIPCBuffer(buffer); }

long c_untyped_retype(seL4_Word s, const struct EquivalenceCaps *caps) {
    return seL4_Untyped_Retype(s, seL4_CapTableObject, 4, caps->cnode, 0x123, 12, 77, 2);
}

long c_cnode_copy(seL4_Word s, const struct EquivalenceCaps *caps) {
    return seL4_CNode_Copy(s, 5, 64, caps->cnode, 9, 63, seL4_CapRights_new(0, 0, 1, 1));
}

long c_cnode_mint(seL4_Word s, const struct EquivalenceCaps *caps) {
    return seL4_CNode_Mint(s, 5, 64, caps->cnode, 9, 64, seL4_AllRights, 0xbad9e);
}

long c_cnode_mutate(seL4_Word s, const struct EquivalenceCaps *caps) {
    return seL4_CNode_Mutate(s, 5, 64, caps->cnode, 9, 64, seL4_CNode_CapData_new(0x15, 7).words[0]);
}

long c_cnode_rotate(seL4_Word s, const struct EquivalenceCaps *caps) {
    return seL4_CNode_Rotate(s, 5, 64, 0x51, caps->cnode, 6, 64, 0x52, caps->cnode, 7, 62);
}

long c_cnode_delete(seL4_Word s, const struct EquivalenceCaps *caps) {
    (void)caps;
    return seL4_CNode_Delete(s, 7, 64);
}

long c_tcb_configure(seL4_Word s, const struct EquivalenceCaps *caps) {
#ifdef CONFIG_KERNEL_MCS
    return seL4_TCB_Configure(s, caps->cnode, GUARD, caps->vspace, 0x22, 0x10000, caps->frame);
#else
    return seL4_TCB_Configure(s, FAULT_ENDPOINT(caps), caps->cnode, GUARD, caps->vspace, 0x22, 0x10000, caps->frame);
#endif
}

long c_tcb_set_space(seL4_Word s, const struct EquivalenceCaps *caps) {
    return seL4_TCB_SetSpace(s, FAULT_ENDPOINT(caps), caps->cnode, GUARD, caps->vspace, 0);
}

long c_tcb_write_registers(seL4_Word s, const struct EquivalenceCaps *caps) {
    (void)caps;
    seL4_UserContext regs;
    seL4_Word *words = (seL4_Word *)&regs;
    for (unsigned i = 0; i < sizeof regs / sizeof(seL4_Word); ++i)
        words[i] = 0x1000 + i;
    return seL4_TCB_WriteRegisters(s, 1, 3, sizeof regs / sizeof(seL4_Word), &regs);
}

long c_tcb_read_registers(seL4_Word s, const struct EquivalenceCaps *caps, seL4_Word *out, seL4_Word count) {
    (void)caps;
    seL4_UserContext regs = {0};
    long error = seL4_TCB_ReadRegisters(s, 0, 0, count, &regs);
    for (unsigned i = 0; i < sizeof regs / sizeof(seL4_Word); ++i)
        out[i] = ((seL4_Word *)&regs)[i];
    return error;
}

long c_tcb_set_priority(seL4_Word s, const struct EquivalenceCaps *caps) {
    return seL4_TCB_SetPriority(s, caps->tcb, 100);
}

long c_page_map(seL4_Word s, const struct EquivalenceCaps *caps) {
    return PAGE_MAP(s, caps->vspace, 0x12345000, seL4_CanRead, DATA_ATTRIBUTES);
}

long c_page_get_address(seL4_Word s, const struct EquivalenceCaps *caps, seL4_Word *paddr) {
    (void)caps;
    PAGE_GET_ADDRESS_RESULT result = PAGE_GET_ADDRESS(s);
    *paddr = result.paddr;
    return result.error;
}

long c_asid_pool_assign(seL4_Word s, const struct EquivalenceCaps *caps) {
    return ASID_POOL_ASSIGN(s, caps->vspace);
}

long c_irq_control_get(seL4_Word s, const struct EquivalenceCaps *caps) {
    return seL4_IRQControl_Get(s, 33, caps->cnode, 8, 64);
}

#ifdef CONFIG_KERNEL_MCS
long c_sched_control_configure_flags(seL4_Word s, const struct EquivalenceCaps *caps) {
    return seL4_SchedControl_ConfigureFlags(s, caps->cnode, 0x100000001ull, 0x200000003ull, 2, 0x55, 1);
}
#endif
