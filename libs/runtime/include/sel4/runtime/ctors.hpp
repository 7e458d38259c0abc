/// @file
/// Static constructors and destructors of the program. The runtime's start code and
/// `exit` call these; a program does not.
#pragma once

namespace sel4_runtime {

/// Runs the preinit and init arrays (static constructors), in order.
void run_constructors() noexcept;

/// The start of a program's own code, after its thread's TCB and IPC buffer are set: connects
/// the optional blocks that are linked in (stdout and stderr to the kernel's debug console
/// with runtime-libc; the initial thread's thread-local storage with runtime-tls, a failure
/// of which is fatal, naming `program`, e.g. "the PD"), then runs the static constructors.
void start_program(const char *program) noexcept;

/// Runs what `__cxa_atexit` registered (static destructors), last registered first.
void run_exit_handlers() noexcept;

/// Lets another thread run (seL4 Yield); used while waiting for a static's initialiser
/// that another thread runs.
void wait_a_moment() noexcept;

} // namespace sel4_runtime
