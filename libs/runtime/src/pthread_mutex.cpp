// pthread mutexes for libstdc++ and libgcc. The Debian toolchains' libstdc++ is built for
// glibc >= 2.34, where pthread lives in libc: its gthr layer references pthread_mutex_lock
// and pthread_mutex_unlock strongly and __gthread_active_p() is constant 1, so every locked
// path (the emergency exception pool in eh_alloc.o, the unwinder's FDE object list, the
// riscv64 atomicity fallback) calls them, threads or not.
//
// The mutex is a spinlock on an atomic flag. On one core, a waiter spins until the
// scheduler runs the holder again; that needs the holder to be at the waiter's priority or
// above (round-robin among equals), as for the heap's lock. Recursive mutexes are not
// supported: none of the toolchain libraries' references needs one.
#include "c_library.hpp"

namespace {

constexpr int busy = 16; // EBUSY on every Linux ABI the toolchains target

void relax() {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield" ::: "memory");
#endif
}

} // namespace

using sel4_runtime::PthreadMutex;

extern "C" {

int CPP_SEL4_C_NAME(pthread_mutex_lock)(PthreadMutex *mutex) noexcept {
    while (__atomic_exchange_n(&mutex->locked, 1, __ATOMIC_ACQUIRE) != 0)
        while (__atomic_load_n(&mutex->locked, __ATOMIC_RELAXED) != 0) // wait without writing
            relax();
    return 0;
}

int CPP_SEL4_C_NAME(pthread_mutex_trylock)(PthreadMutex *mutex) noexcept {
    return __atomic_exchange_n(&mutex->locked, 1, __ATOMIC_ACQUIRE) == 0 ? 0 : busy;
}

int CPP_SEL4_C_NAME(pthread_mutex_unlock)(PthreadMutex *mutex) noexcept {
    __atomic_store_n(&mutex->locked, 0, __ATOMIC_RELEASE);
    return 0;
}

} // extern "C"
