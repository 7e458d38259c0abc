/* The benchmark's invocations through libsel4 C: one non-inlined wrapper per case,
 * named c_<case>. bench/bindings/cpp_sel4.cpp has the same cases with the same
 * arguments, through cpp-sel4. */
#include <sel4/sel4.h>

/* libsel4 defines its IPC buffer pointer in libsel4.a, where the compiler reaches it
 * with the initial-exec TLS model; cpp-sel4's is an inline thread_local, defined in
 * every translation unit and reached with local-exec. Defining libsel4's here as well
 * (still __thread) gives both sides the same access, so that only the bindings differ. */
__thread seL4_IPCBuffer *__sel4_ipc_buffer;

#define CASE(name) __attribute__((noinline)) c_##name

seL4_Error CASE(untyped_retype)(seL4_Untyped service, seL4_Word type, seL4_Word size_bits, seL4_CNode root,
                                seL4_Word node_index, seL4_Word node_depth, seL4_Word node_offset,
                                seL4_Word num_objects)
{
    return seL4_Untyped_Retype(service, type, size_bits, root, node_index, node_depth, node_offset, num_objects);
}

seL4_Error CASE(cnode_copy)(seL4_CNode service, seL4_Word dest_index, seL4_Uint8 dest_depth, seL4_CNode src_root,
                            seL4_Word src_index, seL4_Uint8 src_depth, seL4_CapRights_t rights)
{
    return seL4_CNode_Copy(service, dest_index, dest_depth, src_root, src_index, src_depth, rights);
}

seL4_Error CASE(cnode_mint)(seL4_CNode service, seL4_Word dest_index, seL4_Uint8 dest_depth, seL4_CNode src_root,
                            seL4_Word src_index, seL4_Uint8 src_depth, seL4_CapRights_t rights, seL4_Word badge)
{
    return seL4_CNode_Mint(service, dest_index, dest_depth, src_root, src_index, src_depth, rights, badge);
}

#ifdef CONFIG_KERNEL_MCS
seL4_Error CASE(tcb_configure)(seL4_TCB service, seL4_CNode cspace_root, seL4_Word cspace_root_data,
                               seL4_CPtr vspace_root, seL4_Word vspace_root_data, seL4_Word buffer,
                               seL4_CPtr buffer_frame)
{
    return seL4_TCB_Configure(service, cspace_root, cspace_root_data, vspace_root, vspace_root_data, buffer,
                              buffer_frame);
}
#else
seL4_Error CASE(tcb_configure)(seL4_TCB service, seL4_Word fault_ep, seL4_CNode cspace_root,
                               seL4_Word cspace_root_data, seL4_CPtr vspace_root, seL4_Word vspace_root_data,
                               seL4_Word buffer, seL4_CPtr buffer_frame)
{
    return seL4_TCB_Configure(service, fault_ep, cspace_root, cspace_root_data, vspace_root, vspace_root_data,
                              buffer, buffer_frame);
}
#endif

seL4_Error CASE(tcb_write_registers)(seL4_TCB service, seL4_Bool resume_target, seL4_Uint8 arch_flags,
                                     seL4_Word count, seL4_UserContext *regs)
{
    return seL4_TCB_WriteRegisters(service, resume_target, arch_flags, count, regs);
}

#if defined(__x86_64__)
#define PAGE_MAP seL4_X86_Page_Map
#elif defined(__aarch64__)
#define PAGE_MAP seL4_ARM_Page_Map
#elif defined(__riscv)
#define PAGE_MAP seL4_RISCV_Page_Map
#endif

seL4_Error CASE(page_map)(seL4_CPtr service, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights,
                          seL4_Word attr)
{
    return PAGE_MAP(service, vspace, vaddr, rights, attr);
}

seL4_MessageInfo_t CASE(call)(seL4_CPtr endpoint, seL4_MessageInfo_t info)
{
    return seL4_Call(endpoint, info);
}

#ifdef CONFIG_KERNEL_MCS
seL4_MessageInfo_t CASE(reply_recv)(seL4_CPtr src, seL4_MessageInfo_t info, seL4_Word *badge, seL4_CPtr reply)
{
    return seL4_ReplyRecv(src, info, badge, reply);
}

seL4_MessageInfo_t CASE(recv)(seL4_CPtr src, seL4_Word *badge, seL4_CPtr reply)
{
    return seL4_Recv(src, badge, reply);
}
#else
seL4_MessageInfo_t CASE(reply_recv)(seL4_CPtr src, seL4_MessageInfo_t info, seL4_Word *badge)
{
    return seL4_ReplyRecv(src, info, badge);
}

seL4_MessageInfo_t CASE(recv)(seL4_CPtr src, seL4_Word *badge)
{
    return seL4_Recv(src, badge);
}
#endif

void CASE(send)(seL4_CPtr endpoint, seL4_MessageInfo_t info)
{
    seL4_Send(endpoint, info);
}

void CASE(signal)(seL4_CPtr notification)
{
    seL4_Signal(notification);
}

/* The badge a wait returns (seL4_Wait is void without MCS). */
seL4_Word CASE(wait)(seL4_CPtr notification)
{
    seL4_Word badge;
    seL4_Wait(notification, &badge);
    return badge;
}

void CASE(yield)(void)
{
    seL4_Yield();
}
