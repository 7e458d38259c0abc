// The program's heap: a TLSF allocator (tlsf.hpp) behind a lock, over one region of memory.
//
// The C functions (malloc, free, calloc, realloc, aligned_alloc, posix_memalign, memalign)
// and the global operator new/delete forms all use the one global Heap, global_heap(). It
// needs no static constructor: it is constant-initialised, and takes its region from
// heap_region() on the first allocation.
//
// The region. By default heap_region() is a static array in .bss of CPP_SEL4_HEAP_SIZE bytes
// (a CMake cache variable of the same name, 1 MiB unless set). A program picks its own size by
// writing SEL4_RUNTIME_HEAP_SIZE(bytes) at namespace scope in one source file, or its own
// region (for example memory it mapped) by defining sel4_runtime::heap_region() itself.
//
// The lock. Every operation runs under a HeapLock: two function pointers and a context. The
// default is a spinlock on an atomic word, enough when threads run on different cores or
// are preempted by the kernel. A program with a better lock (the seL4 notification-based
// mutex) installs it with global_heap().set_lock(...) while only one thread runs, that is
// before it starts the others; the lock need not be re-entrant.
//
// Exhaustion. The C functions return nullptr; operator new calls the std::new_handler if one
// is set, then throws std::bad_alloc (or, in the runtime-heap-no-exceptions library for
// programs built with -fno-exceptions, calls the out-of-memory hook); the nothrow forms
// return nullptr. The heap is intact in every case.
#pragma once

#include <sel4/runtime/tlsf.hpp>

#include <atomic>
#include <cstddef>
#include <span>

namespace sel4_runtime {

struct HeapLock {
    void (*lock)(void *context) noexcept;
    void (*unlock)(void *context) noexcept;
    void *context;
};

// Test-and-set with a relaxed spin on the word in between; no libatomic needed.
class SpinLock {
public:
    void lock() noexcept {
        while (held_.exchange(1, std::memory_order_acquire) != 0)
            while (held_.load(std::memory_order_relaxed) != 0) {
            }
    }
    void unlock() noexcept { held_.store(0, std::memory_order_release); }

    // This lock as a HeapLock.
    constexpr HeapLock heap_lock() noexcept {
        return {[](void *self) noexcept { static_cast<SpinLock *>(self)->lock(); },
                [](void *self) noexcept { static_cast<SpinLock *>(self)->unlock(); }, this};
    }

private:
    std::atomic<unsigned> held_{0}; // a full word: sub-word atomics need libatomic on riscv64
};

class Heap {
public:
    using RegionSource = std::span<std::byte> (*)() noexcept;

    // `source` gives the region on first use.
    constexpr Heap(RegionSource source, HeapLock lock) noexcept : source_(source), lock_(lock) {}
    Heap(const Heap &) = delete;
    Heap &operator=(const Heap &) = delete;

    // As Tlsf::allocate, deallocate, usable_size; all under the lock.
    void *allocate(std::size_t size, std::size_t align = Tlsf::alignment) noexcept;
    void deallocate(void *p) noexcept;
    // As C's realloc: nullptr allocates; size 0 frees and returns nullptr; on failure nullptr
    // and `p` untouched.
    void *reallocate(void *p, std::size_t size) noexcept;
    std::size_t usable_size(const void *p) noexcept;

    Tlsf::Statistics statistics() noexcept;
    const char *integrity_error() noexcept;

    // Only while a single thread uses the heap.
    void set_lock(HeapLock lock) noexcept { lock_ = lock; }

private:
    template <typename F> auto locked(F f) noexcept;

    RegionSource source_;
    HeapLock lock_;
    Tlsf tlsf_;
    bool region_taken_ = false;
};

// The heap behind malloc and operator new.
Heap &global_heap() noexcept;

// The global heap's region, asked for once, on the first allocation. The library's default
// (a weak definition) is a .bss array of CPP_SEL4_HEAP_SIZE bytes.
std::span<std::byte> heap_region() noexcept;

// Called by operator new in -fno-exceptions programs when no memory is left (and no
// std::new_handler could free some). It should not return; if it does, the program aborts.
using OutOfMemoryHook = void (*)(std::size_t size, std::size_t alignment) noexcept;
// Installs `hook` (nullptr: the default, which prints through the diagnostic writer and
// aborts); returns the previous one.
OutOfMemoryHook set_out_of_memory_hook(OutOfMemoryHook hook) noexcept;
// Where the heap prints its messages (none until set); the runtime sets its debug output.
using DiagnosticWriter = void (*)(const char *text) noexcept;
void set_heap_diagnostic_writer(DiagnosticWriter writer) noexcept;
// Runs the out-of-memory hook, then aborts.
[[noreturn]] void report_out_of_memory(std::size_t size, std::size_t alignment) noexcept;

} // namespace sel4_runtime

// Gives the program a heap of `bytes` bytes in .bss instead of the default size.
#define SEL4_RUNTIME_HEAP_SIZE(bytes)                                                              \
    std::span<std::byte> sel4_runtime::heap_region() noexcept {                                    \
        alignas(::sel4_runtime::Tlsf::alignment) static std::byte sel4_runtime_heap_memory[bytes]; \
        return sel4_runtime_heap_memory;                                                           \
    }
