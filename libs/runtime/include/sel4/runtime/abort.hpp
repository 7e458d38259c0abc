// The end of a thread that cannot go on: a message, a backtrace, and the thread stopped
// (suspended through its TCB), never a silent spin.
#pragma once

#include <string_view>

namespace sel4 {
struct IpcBuffer; // <sel4/ipc_buffer.hpp>; declared only, so that the C library surface can
                  // include this header without the world's generated bindings
} // namespace sel4

namespace sel4_runtime {

// Prints "cpp-sel4: aborted: <reason><detail>" and a backtrace of the caller, then stops
// the calling thread.
[[noreturn]] void fatal(std::string_view reason, std::string_view detail = {}) noexcept;

// Prints a backtrace of the caller in the compact format of sel4/backtrace/format.hpp,
// for sel4-symbolize on the host.
void print_backtrace() noexcept;

// Writes to the kernel's debug console.
void debug_write(std::string_view text) noexcept;

// Stops the calling thread: suspends it through the TCB given to set_thread_tcb (the root
// task's start gives its own); halts the system if that fails.
[[noreturn]] void stop_thread() noexcept;
void set_thread_tcb(unsigned long tcb, sel4::IpcBuffer &ipc_buffer) noexcept;

} // namespace sel4_runtime
