// Static constructors and destructors of the program.
#pragma once

namespace sel4_runtime {

// Runs the preinit and init arrays (static constructors), in order.
void run_constructors() noexcept;

// Runs what __cxa_atexit registered (static destructors), last registered first.
void run_exit_handlers() noexcept;

// Lets another thread run (seL4 yield); used while waiting for a static's initialiser.
void wait_a_moment() noexcept;

} // namespace sel4_runtime
