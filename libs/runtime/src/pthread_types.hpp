// The runtime's pthread objects (src/pthread_sync.cpp). libstdc++ was compiled against glibc's
// <pthread.h>: these objects are laid out so that glibc's static initialisers
// (PTHREAD_MUTEX_INITIALIZER, PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP, PTHREAD_COND_INITIALIZER,
// PTHREAD_RWLOCK_INITIALIZER, PTHREAD_ONCE_INIT) mean what they say, and no larger than
// glibc's (checked in src/pthread_layout.cpp).
#pragma once

#include <cstdint>
#include <ctime>

namespace sel4_runtime {

enum MutexKind : int { mutex_normal = 0, mutex_recursive = 1, mutex_errorcheck = 2 };

// glibc's struct __pthread_mutex_s begins: int __lock, unsigned __count, int __owner,
// unsigned __nusers, int __kind.
struct PthreadMutex {
    std::uint32_t state; // 0 unlocked, 1 locked, 2 locked and maybe waited for (futex word)
    std::uint32_t count; // recursive re-locks
    std::uintptr_t owner; // current_thread_id() of the holder (recursive and error-checking kinds)
    int kind;
};
struct PthreadMutexAttr {
    int kind;
};

struct PthreadCond {
    std::uint32_t sequence; // futex word: bumped by every signal and broadcast
    std::uint32_t clock;    // for pthread_cond_timedwait (pthread_condattr_setclock)
};
struct PthreadCondAttr {
    int clock;
};

struct PthreadRwlock {
    std::uint32_t state; // futex word: readers holding it, or writer_bit
    static constexpr std::uint32_t writer_bit = 0x80000000u;
};

using PthreadOnce = std::uint32_t; // sel4::sync::once_word: 0 not yet (PTHREAD_ONCE_INIT), then running, waited, done

} // namespace sel4_runtime

