#include <sel4/runtime/abort.hpp>

#include <sel4/backtrace/format.hpp>
#include <sel4/runtime/symbols.hpp>
#include <sel4/sel4.hpp>

#include <unwind.h>

namespace sel4_runtime {

// Optional block: without the runtime-symbols library this is not linked in.
[[gnu::weak]] bool symbolize(std::uintptr_t pc, Symbol &out) noexcept;

namespace {

// The TCB that stop_thread suspends, and the IPC buffer to invoke it with (explicitly:
// the runtime's code must not depend on whether the program's implicit IPC buffer is a
// thread-local). The root task's, unless set otherwise.
unsigned long thread_tcb = sel4::gen::CapInitThreadTCB;
sel4::IpcBuffer *thread_ipc_buffer = nullptr;

} // namespace

void debug_write(std::string_view text) noexcept {
    for (char c : text)
        sel4::debug::put_char(c);
}

void set_thread_tcb(unsigned long tcb, sel4::IpcBuffer &ipc_buffer) noexcept {
    thread_tcb = tcb;
    thread_ipc_buffer = &ipc_buffer;
}

void print_backtrace() noexcept {
    using Writer = sel4::backtrace::Writer<void (*)(char) noexcept>;
    Writer writer(sel4::debug::put_char, "program");
    _Unwind_Backtrace(
        [](_Unwind_Context *context, void *argument) -> _Unwind_Reason_Code {
            const auto pc = static_cast<std::uintptr_t>(_Unwind_GetIP(context));
            if (pc == 0)
                return _URC_END_OF_STACK;
            Symbol symbol{nullptr, 0};
            // A return address's call is the instruction before it: look up pc - 1.
            if (&symbolize != nullptr && symbolize(pc - 1, symbol))
                ++symbol.offset;
            static_cast<Writer *>(argument)->frame(sel4::backtrace::FrameKind::return_address, pc, symbol.name,
                                                   symbol.offset);
            return _URC_NO_REASON;
        },
        &writer);
    writer.end();
}

[[noreturn]] void stop_thread() noexcept {
    if (thread_ipc_buffer != nullptr)
        (void)sel4::cap::Tcb(thread_tcb).with(*thread_ipc_buffer).suspend();
    // Suspending failed (no usable TCB capability): stop everything rather than spin.
    debug_write("cpp-sel4: could not suspend the thread; halting\n");
    sel4::sys::debug_halt();
}

[[noreturn]] void fatal(std::string_view reason, std::string_view detail) noexcept {
    sel4::debug::println("cpp-sel4: aborted: {}{}", reason, detail);
    print_backtrace();
    stop_thread();
}

} // namespace sel4_runtime

extern "C" [[noreturn]] void abort() { sel4_runtime::fatal("abort() called"); }
