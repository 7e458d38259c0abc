// Static construction and destruction: the init arrays, __cxa_atexit (destructors of
// statics, run by sel4_runtime::run_exit_handlers), and thread-safe local statics
// (__cxa_guard_*), which replace libsupc++'s versions, whose waiting needs futexes.
#include <sel4/runtime/ctors.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>

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
ExitHandler exit_handlers[CPP_SEL4_MAX_EXIT_HANDLERS];
std::atomic<std::size_t> exit_handler_count{0};

} // namespace

void run_constructors() noexcept {
    for (auto *f = __preinit_array_start; f != __preinit_array_end; ++f)
        (*f)();
    for (auto *f = __init_array_start; f != __init_array_end; ++f)
        (*f)();
}

void run_exit_handlers() noexcept {
    // In the reverse order of registration, as C++ requires.
    for (std::size_t i = exit_handler_count.exchange(0); i-- > 0;)
        exit_handlers[i].function(exit_handlers[i].argument);
}

} // namespace sel4_runtime

extern "C" int __cxa_atexit(void (*function)(void *), void *argument, void *) {
    const std::size_t index = sel4_runtime::exit_handler_count.fetch_add(1);
    if (index >= CPP_SEL4_MAX_EXIT_HANDLERS) {
        sel4_runtime::exit_handler_count.fetch_sub(1);
        return -1;
    }
    sel4_runtime::exit_handlers[index] = {function, argument};
    return 0;
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
