/// @file
/// The attributes of mappings on aarch64.
#pragma once

#include <sel4/gen/constants.hpp>

namespace sel4 {

/// \brief The attributes the map invocations of frames and paging structures take on aarch64
/// (seL4_ARM_VMAttributes). VmAttributes::Default is cacheable (with parity); VmAttributes::ExecuteNever forbids instruction fetches.
using VmAttributes = gen::ARM_VMAttributes;

} // namespace sel4
