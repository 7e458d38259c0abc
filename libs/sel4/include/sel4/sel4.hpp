/// @file
/// The seL4 C++ bindings: everything in one include.
#pragma once

#include <sel4/arch/vm_attributes.hpp>
#include <sel4/bootinfo.hpp>
#include <sel4/cap.hpp>
#include <sel4/cap_data.hpp>
#include <sel4/cap_rights.hpp>
#include <sel4/config.hpp>
#include <sel4/cptr.hpp>
#include <sel4/debug.hpp>
#include <sel4/fault.hpp>
#include <sel4/gen/constants.hpp>
#include <sel4/gen/invocations.hpp>
#include <sel4/ipc_buffer.hpp>
#include <sel4/object_blueprint.hpp>
#include <sel4/syscalls.hpp>

namespace sel4 {

/// \brief The root task's initial capabilities (seL4_RootCNodeCapSlots), in its CSpace.
namespace init {
/// \brief The root task's TCB.
inline constexpr Cap<obj::Tcb> tcb{gen::CapInitThreadTCB};
/// \brief The root task's CNode, the root of its CSpace (a single level, guarded to resolve
/// every bit of a CPtr).
inline constexpr Cap<obj::CNode> cnode{gen::CapInitThreadCNode};
/// \brief The root of the root task's VSpace.
inline constexpr Cap<obj::VSpace> vspace{gen::CapInitThreadVSpace};
/// \brief The IRQ control capability, which makes IRQ handlers.
inline constexpr Cap<obj::IrqControl> irq_control{gen::CapIRQControl};
/// \brief The ASID control capability, which makes ASID pools.
inline constexpr Cap<obj::AsidControl> asid_control{gen::CapASIDControl};
/// \brief The root task's ASID pool.
inline constexpr Cap<obj::AsidPool> asid_pool{gen::CapInitThreadASIDPool};
} // namespace init

} // namespace sel4
