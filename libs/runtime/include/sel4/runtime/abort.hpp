/// @file
/// The end of a thread that cannot go on: a message, a backtrace, and the thread stopped
/// (suspended through its TCB), never a silent spin.
#pragma once

#include <string_view>

namespace sel4 {
struct IpcBuffer; // <sel4/ipc_buffer.hpp>; declared only, so that the C library surface can
                  // include this header without the world's generated bindings
} // namespace sel4

/// The runtime beneath a C++ program on seL4: its entry, heap, threads, thread-local
/// storage and the hooks of its C library.
namespace sel4_runtime {

/// Prints `cpp-sel4: aborted: <reason><detail>` and a backtrace of the caller, then stops
/// the thread with stop_thread(). The test runner fails a test on that line. Needs no heap;
/// `abort()` and the terminate handler end here.
[[noreturn]] void fatal(std::string_view reason, std::string_view detail = {}) noexcept;

/// Prints a backtrace of the caller on the debug console, in the compact format of
/// sel4/backtrace/format.hpp, for `sel4-symbolize` on the host. With runtime-symbols linked
/// (and its table embedded), each frame also names its function.
void print_backtrace() noexcept;

/// Writes `text` to the kernel's debug console.
void debug_write(std::string_view text) noexcept;

/// Stops the thread: suspends the TCB that set_thread_tcb() named (the root task's initial
/// thread unless it named another). If that returns, because the capability cannot be
/// suspended or is not the caller's, it halts the system (DebugHalt) rather than spin.
[[noreturn]] void stop_thread() noexcept;
/// Names the TCB that stop_thread() suspends, and the IPC buffer to invoke it through. One
/// setting for the whole program; the root task's start sets the initial thread's.
void set_thread_tcb(unsigned long tcb, sel4::IpcBuffer &ipc_buffer) noexcept;

} // namespace sel4_runtime
