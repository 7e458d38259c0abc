// sel4/gen/invocations.hpp: the C++ counterpart of libsel4's invocation labels and of its
// generated stubs (interfaces/sel4_client.h), on top of <sel4/invocation_support.hpp>.
//
//   libsel4 C                               generated C++
//   seL4_CNode (a cap type)                 sel4::obj::CNode (tag), sel4::cap::CNode = Cap<obj::CNode>
//   enum invocation_label ... CNodeCopy     sel4::gen::InvocationLabel::CNodeCopy
//   seL4_CNode_Copy(_service, ...)          sel4::gen::cnode_copy(ipc, service, ...) -> Error
//   seL4_TCB_GetBreakpoint_t (out params)   references after the inputs, written only on success
//                                           cap.get_breakpoint(...) -> Result<TcbGetBreakpointOut>
//                                           (a method of sel4::gen::Methods<obj::Tcb, Self>)
#pragma once

#include "emit_headers.hpp"
#include "invocations.hpp"

#include <string>

namespace sel4_bindgen {

// CamelCase to snake_case: SetIPCBuffer -> set_ipc_buffer, ASIDPool -> asid_pool,
// X86_Page -> x86_page. One capital before a word is part of it: CNode -> cnode, VSpace -> vspace.
std::string snake_case(const std::string &name);

// The low-level stub: untyped_retype (interface without seL4_, then method).
std::string stub_name(const invocations::Method &method);
// The method of the typed mixin: retype; a C++ keyword gets a trailing underscore (delete_).
std::string mixin_name(const invocations::Method &method);
// The result struct of a method with several output parameters: TcbGetBreakpointOut.
std::string out_struct_name(const invocations::Method &method);

std::string emit_invocations_header(const invocations::ObjectApi &api, const Provenance &from);

} // namespace sel4_bindgen
