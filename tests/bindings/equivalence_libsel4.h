/* The invocations of bindings.equivalence as libsel4 issues them (equivalence_libsel4.c).
 * Each returns the seL4_Error; the capabilities passed along are in EquivalenceCaps. */
#pragma once

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct EquivalenceCaps {
    uintptr_t cnode;  /* a CNode (also passed where a SchedContext is expected) */
    uintptr_t vspace; /* the root task's VSpace */
    uintptr_t frame;  /* a frame */
    uintptr_t tcb;    /* a TCB */
};

void c_set_ipc_buffer(void *buffer);
long c_untyped_retype(uintptr_t service, const struct EquivalenceCaps *caps);
long c_cnode_copy(uintptr_t service, const struct EquivalenceCaps *caps);
long c_cnode_mint(uintptr_t service, const struct EquivalenceCaps *caps);
long c_cnode_mutate(uintptr_t service, const struct EquivalenceCaps *caps);
long c_cnode_rotate(uintptr_t service, const struct EquivalenceCaps *caps);
long c_cnode_delete(uintptr_t service, const struct EquivalenceCaps *caps);
long c_tcb_configure(uintptr_t service, const struct EquivalenceCaps *caps);
long c_tcb_set_space(uintptr_t service, const struct EquivalenceCaps *caps);
long c_tcb_write_registers(uintptr_t service, const struct EquivalenceCaps *caps);
long c_tcb_read_registers(uintptr_t service, const struct EquivalenceCaps *caps, uintptr_t *out, uintptr_t count);
long c_tcb_set_priority(uintptr_t service, const struct EquivalenceCaps *caps);
long c_page_map(uintptr_t service, const struct EquivalenceCaps *caps);
long c_page_get_address(uintptr_t service, const struct EquivalenceCaps *caps, uintptr_t *paddr);
long c_asid_pool_assign(uintptr_t service, const struct EquivalenceCaps *caps);
long c_irq_control_get(uintptr_t service, const struct EquivalenceCaps *caps);
long c_sched_control_configure_flags(uintptr_t service, const struct EquivalenceCaps *caps);

#ifdef __cplusplus
}
#endif
