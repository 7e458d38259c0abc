/// @file
/// The attributes of mappings on x86_64.
#pragma once

#include <sel4/gen/constants.hpp>

namespace sel4 {

/// \brief The attributes the map invocations of frames and paging structures take on x86_64
/// (seL4_X86_VMAttributes). VmAttributes::Default is write-back caching; the others choose another caching mode.
using VmAttributes = gen::X86_VMAttributes;

} // namespace sel4
