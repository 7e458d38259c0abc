/// @file
/// Static constructors and destructors of the program. The runtime's start code and
/// `exit` call these; a program does not.
#pragma once

namespace sel4_runtime {

/// Runs the preinit and init arrays (static constructors), in order.
void run_constructors() noexcept;

/// Runs what `__cxa_atexit` registered (static destructors), last registered first.
void run_exit_handlers() noexcept;

/// Lets another thread run (seL4 Yield); used while waiting for a static's initialiser
/// that another thread runs.
void wait_a_moment() noexcept;

} // namespace sel4_runtime
