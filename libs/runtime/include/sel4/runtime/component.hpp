/// @file
/// The component runtime: for a thread that a CapDL spec describes and the CapDL initializer
/// starts (cpp-sel4's spec builder makes such threads with Builder::thread_from_elf). It
/// starts at the ELF's entry with its stack pointer set and its arguments in the C argument
/// registers: the first is the address of its IPC buffer, the second the CPtr of its own TCB
/// in its CSpace (0 for none: a thread that cannot suspend itself halts the system when it
/// must stop), the others are the program's.
///
/// ```cpp
/// int component_main(sel4::Word arg0, sel4::Word arg1) { ...; return 0; }
/// SEL4_COMPONENT_MAIN(component_main)
/// ```
///
/// The implicit IPC buffer is set and the static constructors have run when the entry is
/// called. A return from it prints `cpp-sel4: component exited with status <value>` and stops
/// the thread. Built without a heap and without exceptions (sel4-component-minimal).
#pragma once

#include <sel4/runtime/abort.hpp>
#include <sel4/sel4.hpp>

namespace sel4_runtime::detail {
/// Ends a component whose entry returned `status`.
[[noreturn]] void component_exited(int status) noexcept;
} // namespace sel4_runtime::detail

/// Makes `entry`, an `int (sel4::Word, sel4::Word)` callable taking the program's first two
/// arguments, the component's entry. Once, at namespace scope, in one source file.
#define SEL4_COMPONENT_MAIN(entry)                                                                                \
    extern "C" [[noreturn]] void sel4_runtime_component_main(sel4::IpcBuffer &ipc_buffer, sel4::Word arg0,     \
                                                             sel4::Word arg1) noexcept {                         \
        ::sel4::set_ipc_buffer(ipc_buffer);                                                                       \
        ::sel4_runtime::detail::component_exited(entry(arg0, arg1));                                              \
    }
