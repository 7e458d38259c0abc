/// @file
/// Formatted printing to the kernel's debug console (seL4_DebugPutChar):
/// `sel4::debug::println("retyped {} objects at {:#x}", n, paddr)`. The format is that of
/// sel4/format.hpp.
#pragma once

#include <sel4/format.hpp>
#include <sel4/syscalls.hpp>

#include <string_view>

/// Printing to the kernel's debug console, a character per syscall: needs no heap, no C
/// library and no IPC buffer, so it works from the first instruction of a program on.
/// Lines printed by several threads at once may interleave.
namespace sel4::debug {

/// Prints `c`.
inline void put_char(char c) noexcept { sys::debug_put_char(c); }

/// Prints `format` with its replacement fields replaced by `args`, as fmt::format_to() does.
template <class... Args> void print(std::string_view format, const Args &...args) noexcept {
    fmt::format_to(put_char, format, args...);
}

/// As print(), then a newline.
template <class... Args> void println(std::string_view format, const Args &...args) noexcept {
    print(format, args...);
    put_char('\n');
}

} // namespace sel4::debug
