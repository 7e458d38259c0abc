/// @file
/// Hooks of the runtime's C library surface: the console that stdout and stderr write to and
/// that stdin reads from, and the single-threaded state that libstdc++ reads through
/// `__libc_single_threaded`.
#pragma once

#include <cstddef>

namespace sel4_runtime {

/// Writes `size` bytes of console output; called from whichever thread prints.
using ConsoleWrite = void (*)(const char *data, std::size_t size);

/// Sets where `printf`, `fputs`, `fwrite`, ... (stdout and stderr alike) write; null (the
/// default) discards the output. The root-task runtime sets the seL4 debug console.
void set_console(ConsoleWrite write) noexcept;

/// Reads up to `size` (at least 1) bytes of console input into `data`, waiting until there is
/// at least one; returns how many it read, 0 at the end of the input.
using ConsoleRead = std::size_t (*)(char *data, std::size_t size);

/// Sets where stdin, std::cin and `read(0, ...)` read from (a serial driver, say); null (the
/// default: no world has an input path yet) means the input is at its end.
void set_console_input(ConsoleRead read) noexcept;

/// To be called before a second thread starts: from then on libstdc++ takes its atomic paths
/// (reference counts, guards) instead of the single-threaded ones. The runtime's
/// `pthread_create` calls it.
void set_multi_threaded() noexcept;

} // namespace sel4_runtime
