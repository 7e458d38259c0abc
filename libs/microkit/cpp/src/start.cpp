// The PD's start: from _start (arch/<arch>/pd_start.S), on the tool's stack or the PD's own,
// with no arguments: the IPC buffer is at its fixed address.
#include <sel4/microkit/abi.hpp>
#include <sel4/microkit/channel.hpp>

#include <sel4/log/sink.hpp>
#include <sel4/runtime/abort.hpp>
#include <sel4/runtime/ctors.hpp>

#include <sel4/syscalls.hpp>

#include <cstddef>
#include <string_view>

// The program's part (SEL4_MICROKIT_PD).
extern "C" [[noreturn]] void sel4_microkit_main();

namespace {
// A PD holds no capability to its own TCB (except in benchmark configurations), so it cannot
// suspend itself. It stops by invoking a CPtr that resolves nowhere in Microkit's CSpace (a
// guard mismatch below the root CNode's index bits): Call on it is a capability fault, which
// the PD's fault handler (its parent or the monitor) receives and reports, and the PD waits.
constexpr sel4::CPtr unresolvable_cptr = sel4::Word{1} << 40;
} // namespace

extern "C" [[noreturn]] void sel4_microkit_start() {
    // First, so that a failure from here on stops the PD.
    sel4_runtime::set_thread_tcb(unresolvable_cptr, sel4::microkit::ipc_buffer());
    sel4_runtime::start_program("the PD"); // thread-local storage: sel4-microkit-pd only
    sel4_microkit_main();
}

// The name in front of the PD's log lines (sel4/log): the PD's own, from the system
// description. This replaces the log library's weak default (an empty name); it is here, in
// the object every PD links, so that it is always the one linked.
std::string_view sel4::log::default_name() noexcept { return sel4::microkit::pd_name(); }

namespace sel4_runtime {
void wait_a_moment() noexcept { sel4::sys::yield(); }
} // namespace sel4_runtime
