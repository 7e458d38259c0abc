// What each architecture provides to the generic loader (arch/<arch>/).
#pragma once

#include <kernel_loader/payload.hpp>

namespace kernel_loader::arch {

void put_char(char c);
// Checks that the CPU can enter a kernel in the header's translation mode;
// returns a reason when it cannot, else nullptr.
const char *check_mode(const Header &header);
[[noreturn]] void enter_kernel(const Header &header, unsigned core);

}  // namespace kernel_loader::arch
