// The benchmark's invocations through cpp-sel4, with the same arguments as the libsel4
// wrappers in bench/bindings/libsel4.c: stub_<case> calls the generated low-level stubs
// and system calls on the implicit IPC buffer, typed_<case> the typed capability API, its
// arguments made from the words libsel4 takes (a blueprint from the type and size, CSpace
// addresses from roots, indices and depths, CapRights, VmAttributes, Badge). The typed
// wrappers return the error as libsel4 does (see error_of).
#include <sel4/sel4.hpp>

#define CASE(form, name) extern "C" [[gnu::noinline]] auto form##_##name

namespace {

using sel4::CPtr;
using sel4::Error;
using sel4::MessageInfo;
using sel4::Word;
using sel4::gen::seL4_CapRights;
using sel4::gen::UserContext;
using sel4::RelativeCPtr;

// The typed API's Result<void> as libsel4's seL4_Error.
inline Error error_of(sel4::Result<void> result) { return result ? Error::NoError : result.error(); }

// The CNode guard whose word is `word`, as TCB_Configure takes it.
inline sel4::CNodeCapData cnode_cap_data(Word word) {
    sel4::CNodeCapData data;
    data.words[0] = word;
    return data;
}

// A receive's result as libsel4 gives it: the message info, and the badge through `badge`.
inline MessageInfo info_and_badge(sel4::Received received, Word *badge) {
    *badge = received.badge.value();
    return received.info;
}

#if defined(__x86_64__)
#define PAGE_MAP sel4::gen::x86_page_map
#elif defined(__aarch64__)
#define PAGE_MAP sel4::gen::arm_page_map
#elif defined(__riscv)
#define PAGE_MAP sel4::gen::riscv_page_map
#endif

} // namespace

CASE(stub, untyped_retype)(CPtr service, Word type, Word size_bits, CPtr root, Word node_index, Word node_depth,
                           Word node_offset, Word num_objects) -> Error {
    return sel4::gen::untyped_retype(sel4::ipc_buffer(), service, type, size_bits, root, node_index, node_depth,
                                     node_offset, num_objects);
}
CASE(typed, untyped_retype)(CPtr service, Word type, Word size_bits, CPtr root, Word node_index, Word node_depth,
                            Word node_offset, Word num_objects) -> Error {
    const sel4::ObjectBlueprint blueprint{static_cast<sel4::gen::ObjectType>(type), size_bits};
    const sel4::AbsoluteCPtr node = sel4::cap::CNode(root).absolute({node_index, static_cast<std::uint8_t>(node_depth)});
    return error_of(sel4::cap::Untyped(service).retype(blueprint, node, node_offset, num_objects));
}

CASE(stub, cnode_copy)(CPtr service, Word dest_index, std::uint8_t dest_depth, CPtr src_root, Word src_index,
                       std::uint8_t src_depth, seL4_CapRights rights) -> Error {
    return sel4::gen::cnode_copy(sel4::ipc_buffer(), service, dest_index, dest_depth, src_root, src_index, src_depth,
                                 rights);
}
CASE(typed, cnode_copy)(CPtr service, Word dest_index, std::uint8_t dest_depth, CPtr src_root, Word src_index,
                        std::uint8_t src_depth, seL4_CapRights rights) -> Error {
    return error_of(sel4::cap::CNode(service).copy(RelativeCPtr(dest_index, dest_depth),
                                                   sel4::cap::CNode(src_root).absolute({src_index, src_depth}),
                                                   sel4::CapRights(rights)));
}

CASE(stub, cnode_mint)(CPtr service, Word dest_index, std::uint8_t dest_depth, CPtr src_root, Word src_index,
                       std::uint8_t src_depth, seL4_CapRights rights, Word badge) -> Error {
    return sel4::gen::cnode_mint(sel4::ipc_buffer(), service, dest_index, dest_depth, src_root, src_index, src_depth,
                                 rights, badge);
}
CASE(typed, cnode_mint)(CPtr service, Word dest_index, std::uint8_t dest_depth, CPtr src_root, Word src_index,
                        std::uint8_t src_depth, seL4_CapRights rights, Word badge) -> Error {
    return error_of(sel4::cap::CNode(service).mint(RelativeCPtr(dest_index, dest_depth),
                                                   sel4::cap::CNode(src_root).absolute({src_index, src_depth}),
                                                   sel4::CapRights(rights), sel4::Badge(badge)));
}

#if CPP_SEL4_CONFIG_KERNEL_MCS
CASE(stub, tcb_configure)(CPtr service, CPtr cspace_root, Word cspace_root_data, CPtr vspace_root,
                          Word vspace_root_data, Word buffer, CPtr buffer_frame) -> Error {
    return sel4::gen::tcb_configure(sel4::ipc_buffer(), service, cspace_root, cspace_root_data, vspace_root,
                                    vspace_root_data, buffer, buffer_frame);
}
CASE(typed, tcb_configure)(CPtr service, CPtr cspace_root, Word cspace_root_data, CPtr vspace_root,
                           Word vspace_root_data, Word buffer, CPtr buffer_frame) -> Error {
    return error_of(sel4::cap::Tcb(service).configure(sel4::cap::CNode(cspace_root), cnode_cap_data(cspace_root_data),
                                                      sel4::cap::VSpace(vspace_root), vspace_root_data, buffer,
                                                      sel4::cap::Page(buffer_frame)));
}
#else
CASE(stub, tcb_configure)(CPtr service, Word fault_ep, CPtr cspace_root, Word cspace_root_data, CPtr vspace_root,
                          Word vspace_root_data, Word buffer, CPtr buffer_frame) -> Error {
    return sel4::gen::tcb_configure(sel4::ipc_buffer(), service, fault_ep, cspace_root, cspace_root_data,
                                    vspace_root, vspace_root_data, buffer, buffer_frame);
}
CASE(typed, tcb_configure)(CPtr service, Word fault_ep, CPtr cspace_root, Word cspace_root_data, CPtr vspace_root,
                           Word vspace_root_data, Word buffer, CPtr buffer_frame) -> Error {
    return error_of(sel4::cap::Tcb(service).configure(sel4::cap::Endpoint(fault_ep), sel4::cap::CNode(cspace_root),
                                                      cnode_cap_data(cspace_root_data), sel4::cap::VSpace(vspace_root),
                                                      vspace_root_data, buffer, sel4::cap::Page(buffer_frame)));
}
#endif

CASE(stub, tcb_write_registers)(CPtr service, bool resume_target, std::uint8_t arch_flags, Word count,
                                const UserContext *regs) -> Error {
    return sel4::gen::tcb_write_registers(sel4::ipc_buffer(), service, resume_target, arch_flags, count, *regs);
}
CASE(typed, tcb_write_registers)(CPtr service, bool resume_target, std::uint8_t arch_flags, Word count,
                                 const UserContext *regs) -> Error {
    return error_of(sel4::cap::Tcb(service).write_registers(resume_target, arch_flags, count, *regs));
}

CASE(stub, page_map)(CPtr service, CPtr vspace, Word vaddr, seL4_CapRights rights, Word attr) -> Error {
    return PAGE_MAP(sel4::ipc_buffer(), service, vspace, vaddr, rights, attr);
}
CASE(typed, page_map)(CPtr service, CPtr vspace, Word vaddr, seL4_CapRights rights, Word attr) -> Error {
    return error_of(sel4::cap::Page(service).map(sel4::cap::VSpace(vspace), vaddr, sel4::CapRights(rights),
                                                 static_cast<sel4::VmAttributes>(attr)));
}

CASE(stub, call)(CPtr endpoint, MessageInfo info) -> MessageInfo {
    return sel4::sys::call(sel4::ipc_buffer(), endpoint, info);
}
CASE(typed, call)(CPtr endpoint, MessageInfo info) -> MessageInfo { return sel4::cap::Endpoint(endpoint).call(info); }

#if CPP_SEL4_CONFIG_KERNEL_MCS
CASE(stub, reply_recv)(CPtr src, MessageInfo info, Word *badge, CPtr reply) -> MessageInfo {
    return info_and_badge(sel4::sys::reply_recv(sel4::ipc_buffer(), src, info, reply), badge);
}
CASE(typed, reply_recv)(CPtr src, MessageInfo info, Word *badge, CPtr reply) -> MessageInfo {
    return info_and_badge(sel4::cap::Endpoint(src).reply_recv(info, sel4::cap::Reply(reply)), badge);
}

CASE(stub, recv)(CPtr src, Word *badge, CPtr reply) -> MessageInfo {
    return info_and_badge(sel4::sys::recv(sel4::ipc_buffer(), src, reply), badge);
}
CASE(typed, recv)(CPtr src, Word *badge, CPtr reply) -> MessageInfo {
    return info_and_badge(sel4::cap::Endpoint(src).recv(sel4::cap::Reply(reply)), badge);
}
#else
CASE(stub, reply_recv)(CPtr src, MessageInfo info, Word *badge) -> MessageInfo {
    return info_and_badge(sel4::sys::reply_recv(sel4::ipc_buffer(), src, info), badge);
}
CASE(typed, reply_recv)(CPtr src, MessageInfo info, Word *badge) -> MessageInfo {
    return info_and_badge(sel4::cap::Endpoint(src).reply_recv(info), badge);
}

CASE(stub, recv)(CPtr src, Word *badge) -> MessageInfo {
    return info_and_badge(sel4::sys::recv(sel4::ipc_buffer(), src), badge);
}
CASE(typed, recv)(CPtr src, Word *badge) -> MessageInfo {
    return info_and_badge(sel4::cap::Endpoint(src).recv(), badge);
}
#endif

CASE(stub, send)(CPtr endpoint, MessageInfo info) -> void { sel4::sys::send(sel4::ipc_buffer(), endpoint, info); }
CASE(typed, send)(CPtr endpoint, MessageInfo info) -> void { sel4::cap::Endpoint(endpoint).send(info); }

CASE(stub, signal)(CPtr notification) -> void { sel4::sys::signal(notification); }
CASE(typed, signal)(CPtr notification) -> void { sel4::cap::Notification(notification).signal(); }

CASE(stub, wait)(CPtr notification) -> Word { return sel4::sys::wait(sel4::ipc_buffer(), notification).badge.value(); }
CASE(typed, wait)(CPtr notification) -> Word { return sel4::cap::Notification(notification).wait().value(); }

CASE(stub, yield)() -> void { sel4::sys::yield(); }
CASE(typed, yield)() -> void { sel4::yield(); }
