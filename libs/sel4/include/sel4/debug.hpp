// Formatted printing to the kernel's debug console (seL4_DebugPutChar):
// sel4::debug::println("retyped {} objects at {:#x}", n, paddr). The format is that of
// sel4/format.hpp.
#pragma once

#include <sel4/format.hpp>
#include <sel4/syscalls.hpp>

#include <string_view>

namespace sel4::debug {

inline void put_char(char c) noexcept { sys::debug_put_char(c); }

template <class... Args> void print(std::string_view format, const Args &...args) noexcept {
    fmt::format_to(put_char, format, args...);
}

template <class... Args> void println(std::string_view format, const Args &...args) noexcept {
    print(format, args...);
    put_char('\n');
}

} // namespace sel4::debug
