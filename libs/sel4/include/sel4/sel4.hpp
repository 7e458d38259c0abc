// The seL4 C++ bindings: everything in one include.
#pragma once

#include <sel4/bootinfo.hpp>
#include <sel4/cap.hpp>
#include <sel4/cnode.hpp>
#include <sel4/config.hpp>
#include <sel4/debug.hpp>
#include <sel4/fault.hpp>
#include <sel4/gen/constants.hpp>
#include <sel4/gen/invocations.hpp>
#include <sel4/ipc_buffer.hpp>
#include <sel4/object_blueprint.hpp>
#include <sel4/syscalls.hpp>

namespace sel4 {

// The root task's initial capabilities (seL4_RootCNodeCapSlots).
namespace init {
inline constexpr Cap<obj::Tcb> tcb{gen::CapInitThreadTCB};
inline constexpr Cap<obj::CNode> cnode{gen::CapInitThreadCNode};
inline constexpr Cap<obj::IrqControl> irq_control{gen::CapIRQControl};
inline constexpr Cap<obj::AsidControl> asid_control{gen::CapASIDControl};
inline constexpr Cap<obj::AsidPool> asid_pool{gen::CapInitThreadASIDPool};
} // namespace init

} // namespace sel4
