// A component thread's start: from _start (arch/<arch>/component_start.S), on the stack the
// spec gave it, with its IPC buffer's address, its TCB's CPtr and the program's arguments.
#include <sel4/runtime/component.hpp>
#include <sel4/runtime/ctors.hpp>

#include <sel4/sel4.hpp>

// The program's entry (SEL4_COMPONENT_MAIN).
extern "C" [[noreturn]] void sel4_runtime_component_main(sel4::IpcBuffer &ipc_buffer, sel4::Word arg0,
                                                         sel4::Word arg1) noexcept;

extern "C" [[noreturn]] void sel4_runtime_component_start(sel4::Word ipc_buffer, sel4::Word tcb, sel4::Word arg0,
                                                          sel4::Word arg1) noexcept {
    sel4::IpcBuffer &buffer = *reinterpret_cast<sel4::IpcBuffer *>(ipc_buffer);
    // First, so that a failure from here on can stop the thread.
    sel4_runtime::set_thread_tcb(tcb, buffer);
    sel4_runtime::run_constructors();
    sel4_runtime_component_main(buffer, arg0, arg1);
}

namespace sel4_runtime {

void wait_a_moment() noexcept { sel4::sys::yield(); }

namespace detail {
void component_exited(int status) noexcept {
    sel4::debug::println("cpp-sel4: component exited with status {}", status);
    stop_thread();
}
} // namespace detail

} // namespace sel4_runtime
