// Static construction and destruction: the init arrays, __cxa_atexit (destructors of
// statics, run by sel4_runtime::run_exit_handlers), and thread-safe local statics
// (__cxa_guard_*), which replace libsupc++'s versions, whose waiting needs futexes.
#include <sel4/runtime/abort.hpp>
#include <sel4/runtime/ctors.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "handler_list.hpp"

// Optional blocks: without the runtime-tls or runtime-libc library these are not linked in.
namespace sel4_runtime {
namespace tls {
[[gnu::weak]] bool initialise_initial_thread() noexcept;
}
[[gnu::weak]] void set_console(void (*write)(const char *data, std::size_t size)) noexcept;
} // namespace sel4_runtime

extern "C" {
extern void (*__preinit_array_start[])();
extern void (*__preinit_array_end[])();
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
void *__dso_handle = &__dso_handle;
}

namespace sel4_runtime {

namespace {

struct ExitHandler {
    void (*function)(void *);
    void *argument;
};

#ifndef CPP_SEL4_MAX_EXIT_HANDLERS
#define CPP_SEL4_MAX_EXIT_HANDLERS 64
#endif
HandlerList<ExitHandler, CPP_SEL4_MAX_EXIT_HANDLERS> exit_handlers;

} // namespace

void start_program(const char *program) noexcept {
    if (&set_console != nullptr)
        set_console([](const char *data, std::size_t size) { debug_write(std::string_view(data, size)); });
    if (&tls::initialise_initial_thread != nullptr && !tls::initialise_initial_thread())
        fatal(program, "its thread-local storage does not fit CPP_SEL4_INITIAL_TLS_SIZE");
    run_constructors();
}

void run_constructors() noexcept {
    for (auto *f = __preinit_array_start; f != __preinit_array_end; ++f)
        (*f)();
    for (auto *f = __init_array_start; f != __init_array_end; ++f)
        (*f)();
}

void run_exit_handlers() noexcept {
    // In the reverse order of registration, as C++ requires.
    exit_handlers.run_in_reverse([](const ExitHandler &handler) { handler.function(handler.argument); });
}

} // namespace sel4_runtime

extern "C" int __cxa_atexit(void (*function)(void *), void *argument, void *) {
    return sel4_runtime::exit_handlers.add({function, argument}) ? 0 : -1;
}

// The guard's first byte is 1 once the static is initialised (the compiler's inline fast
// path tests it); its second word is 1 while a thread initialises it. A word, because
// sub-word compare-and-swap would need libatomic on riscv64. A thread waiting for another's
// initialiser yields to it.
namespace {
enum : std::uint32_t { idle = 0, busy = 1 };
std::atomic_ref<std::uint8_t> done_flag(std::uint64_t *guard) { return std::atomic_ref(reinterpret_cast<std::uint8_t *>(guard)[0]); }
std::atomic_ref<std::uint32_t> busy_flag(std::uint64_t *guard) { return std::atomic_ref(reinterpret_cast<std::uint32_t *>(guard)[1]); }
} // namespace

extern "C" int __cxa_guard_acquire(std::uint64_t *guard) {
    if (done_flag(guard).load(std::memory_order_acquire))
        return 0;
    std::uint32_t expected = idle;
    while (!busy_flag(guard).compare_exchange_weak(expected, busy, std::memory_order_acquire)) {
        if (done_flag(guard).load(std::memory_order_acquire))
            return 0;
        expected = idle;
        sel4_runtime::wait_a_moment();
    }
    if (done_flag(guard).load(std::memory_order_acquire)) {
        busy_flag(guard).store(idle, std::memory_order_release);
        return 0;
    }
    return 1;
}

extern "C" void __cxa_guard_release(std::uint64_t *guard) {
    done_flag(guard).store(1, std::memory_order_release);
    busy_flag(guard).store(idle, std::memory_order_release);
}

extern "C" void __cxa_guard_abort(std::uint64_t *guard) { busy_flag(guard).store(idle, std::memory_order_release); }
