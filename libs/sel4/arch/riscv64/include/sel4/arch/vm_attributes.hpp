/// @file
/// The attributes of mappings on riscv64.
#pragma once

#include <sel4/gen/constants.hpp>

namespace sel4 {

/// \brief The attributes the map invocations of frames and paging structures take on riscv64
/// (seL4_RISCV_VMAttributes). VmAttributes::Default is executable; VmAttributes::ExecuteNever forbids instruction fetches.
using VmAttributes = gen::RISCV_VMAttributes;

} // namespace sel4
