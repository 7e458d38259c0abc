// What the log needs from the platform, one file each: src/console.cpp on seL4 (the debug
// console, seL4's yield), the host tests' own (tests/host_platform.cpp).
#pragma once

#include <sel4/log/level.hpp>

#include <string_view>

namespace sel4::log::platform {

// Writes `line` and a newline to the console.
void console_write(void *context, Level level, std::string_view line) noexcept;

// Gives up the processor once (the line lock's wait).
void yield() noexcept;

} // namespace sel4::log::platform
