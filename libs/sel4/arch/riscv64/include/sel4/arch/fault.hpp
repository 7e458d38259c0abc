/// @file
/// riscv64 has only the common fault types.
#pragma once

#include <sel4/detail/no_arch_faults.hpp>
