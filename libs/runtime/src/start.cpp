// The initial thread's start: from _start (arch/<arch>/start.S), on the stack at
// sel4_runtime_stack_top, with the BootInfo frame's address.
#include <sel4/runtime/abort.hpp>
#include <sel4/runtime/ctors.hpp>
#include <sel4/runtime/root_task.hpp>
#include <sel4/runtime/tls.hpp>

#include <sel4/sel4.hpp>

#if __cpp_exceptions
#include <exception>
#endif

namespace {
alignas(16) char default_stack[64 * 1024];
}

// A program that says SEL4_ROOT_TASK_STACK_SIZE defines its own.
extern "C" [[gnu::weak]] char *const sel4_runtime_stack_top = default_stack + sizeof default_stack;

// The program's entry (SEL4_ROOT_TASK_MAIN).
extern "C" [[noreturn]] void sel4_runtime_main(const void *boot_info_frame) noexcept;

namespace {
const void *the_boot_info_frame = nullptr;
}

extern "C" [[noreturn]] void sel4_runtime_start(const void *boot_info_frame) {
    the_boot_info_frame = boot_info_frame;
    // First, so that a failure from here on can stop the thread.
    sel4_runtime::set_thread_tcb(sel4::gen::CapInitThreadTCB, sel4::BootInfo(boot_info_frame).ipc_buffer());
    sel4_runtime::start_program("the root task");
    sel4_runtime_main(boot_info_frame);
}

namespace sel4_runtime {

void wait_a_moment() noexcept { sel4::sys::yield(); }

sel4::BootInfo boot_info() noexcept { return sel4::BootInfo(the_boot_info_frame); }

#if __cpp_exceptions
[[noreturn]] void terminate_handler() noexcept {
    const std::exception_ptr current = std::current_exception();
    if (!current)
        fatal("std::terminate called without an exception");
    try {
        std::rethrow_exception(current);
    } catch (const std::exception &error) {
        fatal("uncaught exception: ", error.what());
    } catch (...) {
        fatal("uncaught exception of a type not derived from std::exception");
    }
}
#endif

} // namespace sel4_runtime
