// Program termination as C and C++ define it, from any thread: exit runs the calling
// thread's thread_local destructors, then the atexit handlers and static destructors (one
// list, last registered first), stops every other thread, and ends with the root task's
// line "cpp-sel4: root task exited with status N"; quick_exit runs the at_quick_exit
// handlers instead; _Exit runs nothing. stdio is unbuffered: nothing is left to flush.
#include <sel4/runtime/abort.hpp>
#include <sel4/runtime/ctors.hpp>
#include <sel4/sel4.hpp>

#include <atomic>
#include <cstdint>

#include "handler_list.hpp"

namespace sel4_runtime {

// Optional block: without the threads of runtime-threads these are not linked in.
[[gnu::weak]] void run_thread_destructors() noexcept;
[[gnu::weak]] void stop_other_threads() noexcept;

namespace {

std::atomic<std::uint32_t> exiting{0}; // a word: riscv64 has no sub-word atomic exchange

[[noreturn]] void end(int status) noexcept {
    if (&stop_other_threads != nullptr)
        stop_other_threads();
    sel4::debug::println("cpp-sel4: root task exited with status {}", status);
    stop_thread();
}

// The first thread to exit ends the program; one that exits meanwhile just stops.
void claim_exit() noexcept {
    if (exiting.exchange(1) != 0)
        stop_thread();
}

#ifndef CPP_SEL4_MAX_QUICK_EXIT_HANDLERS
#define CPP_SEL4_MAX_QUICK_EXIT_HANDLERS 32 // C's minimum
#endif
HandlerList<void (*)(), CPP_SEL4_MAX_QUICK_EXIT_HANDLERS> quick_exit_handlers;

} // namespace

} // namespace sel4_runtime

extern "C" {

int __cxa_atexit(void (*function)(void *), void *argument, void *dso) noexcept;

int atexit(void (*function)()) noexcept {
    return __cxa_atexit([](void *f) { reinterpret_cast<void (*)()>(f)(); }, reinterpret_cast<void *>(function),
                        nullptr);
}

[[noreturn]] void exit(int status) noexcept {
    using namespace sel4_runtime;
    claim_exit();
    if (&run_thread_destructors != nullptr)
        run_thread_destructors();
    run_exit_handlers();
    end(status);
}

[[noreturn]] void quick_exit(int status) noexcept {
    using namespace sel4_runtime;
    claim_exit();
    quick_exit_handlers.run_in_reverse([](void (*handler)()) { handler(); });
    end(status);
}

[[noreturn]] void _Exit(int status) noexcept {
    sel4_runtime::claim_exit();
    sel4_runtime::end(status);
}

} // extern "C"

// glibc's <stdlib.h> declares this one extern "C++" (with the C symbol name), for C++'s
// overloads on the handler's language linkage.
int at_quick_exit(void (*function)()) noexcept { return sel4_runtime::quick_exit_handlers.add(function) ? 0 : -1; }
