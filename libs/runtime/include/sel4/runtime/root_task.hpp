/// @file
/// The root-task runtime: one macro names the program's entry, which receives the
/// BootInfo with the IPC buffer already set up, after TLS (when linked) and the static
/// constructors.
///
/// ```cpp
/// int root_main(const sel4::BootInfo &boot_info) { ...; return 0; }
/// SEL4_ROOT_TASK_MAIN(root_main)
/// ```
///
/// The initial thread's stack is 64 KiB unless the program says otherwise with
/// #SEL4_ROOT_TASK_STACK_SIZE; the heap's size is set with #SEL4_RUNTIME_HEAP_SIZE
/// (sel4/runtime/heap.hpp). A return from the entry is `std::exit(value)` (src/exit.cpp), which
/// it ends with `cpp-sel4: root task exited with status <value>`; an uncaught exception
/// with `cpp-sel4: aborted: uncaught exception: ...`
/// and a backtrace from where it was thrown; then the thread is suspended.
#pragma once

#include <sel4/runtime/abort.hpp>
#include <sel4/sel4.hpp>

#include <cstddef>
#include <cstdlib>
#if __cpp_exceptions
#include <exception>
#endif

namespace sel4_runtime {

/// The root task's BootInfo, as the kernel gave it; from the static constructors on, in any
/// thread.
sel4::BootInfo boot_info() noexcept;

#if __cpp_exceptions
/// The terminate handler, which the runtime installs before the entry: prints the uncaught
/// exception's what() (or that it is not a std::exception) with a backtrace through fatal().
[[noreturn]] void terminate_handler() noexcept;
#endif

namespace detail {
template <class Entry> [[noreturn]] void run_root_task(const void *boot_info_frame, Entry entry) noexcept {
    const sel4::BootInfo boot_info(boot_info_frame);
    // Here, in the program's own code, so that the program's choice of a thread-local or
    // a global implicit IPC buffer is the one set.
    sel4::set_ipc_buffer(boot_info.ipc_buffer());
#if __cpp_exceptions
    std::set_terminate(terminate_handler);
#endif
    std::exit(entry(boot_info)); // a return from the entry is a return from main
}
} // namespace detail

} // namespace sel4_runtime

/// Makes `entry`, an `int (const sel4::BootInfo &)` callable, the root task's entry. Write it
/// once, at namespace scope, in one source file of the program.
#define SEL4_ROOT_TASK_MAIN(entry)                                                                                \
    extern "C" [[noreturn]] void sel4_runtime_main(const void *boot_info_frame) noexcept {                      \
        ::sel4_runtime::detail::run_root_task(boot_info_frame, entry);                                            \
    }

/// The top of the initial thread's stack (the runtime's default, or the program's own).
extern "C" char *const sel4_runtime_stack_top;

/// Gives the initial thread a stack of `bytes` (rounded up to 16) in .bss instead of the
/// default 64 KiB. At most once, at namespace scope, in one source file of the program.
#define SEL4_ROOT_TASK_STACK_SIZE(bytes)                                                                          \
    alignas(16) static char sel4_runtime_program_stack[(bytes + 15) / 16 * 16];                                  \
    extern "C" char *const sel4_runtime_stack_top = sel4_runtime_program_stack + sizeof sel4_runtime_program_stack;
