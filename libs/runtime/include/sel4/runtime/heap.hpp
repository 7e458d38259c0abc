/// @file
/// The program's heap: a TLSF allocator (tlsf.hpp) behind a lock, over one region of memory.
///
/// The C functions (`malloc`, `free`, `calloc`, `realloc`, `aligned_alloc`, `posix_memalign`,
/// `memalign`) and the global operator new/delete forms all use the one global Heap,
/// global_heap(). It needs no static constructor: it is constant-initialised, and takes its
/// region from heap_region() on the first allocation.
///
/// The region. By default heap_region() is a static array in .bss of `CPP_SEL4_HEAP_SIZE`
/// bytes (a CMake cache variable of the same name, 1 MiB unless set). A program picks its own
/// size by writing #SEL4_RUNTIME_HEAP_SIZE at namespace scope in one source file, or its own
/// region (for example memory it mapped) by defining sel4_runtime::heap_region() itself.
///
/// The lock. Every operation runs under a HeapLock: two function pointers and a context. The
/// default is a spinlock on an atomic word, enough when threads run on different cores or
/// are preempted by the kernel. A program with a better lock (the seL4 notification-based
/// mutex) installs it with `global_heap().set_lock(...)` while only one thread runs, that is
/// before it starts the others; the lock need not be re-entrant.
///
/// Exhaustion. The C functions return nullptr; operator new calls the std::new_handler if one
/// is set, then throws std::bad_alloc (or, in the runtime-heap-no-exceptions library for
/// programs built with -fno-exceptions, calls the out-of-memory hook); the nothrow forms
/// return nullptr. The heap is intact in every case.
#pragma once

#include <sel4/runtime/tlsf.hpp>

#include <atomic>
#include <cstddef>
#include <span>

namespace sel4_runtime {

/// The lock a Heap runs every operation under: `lock(context)` and `unlock(context)`.
struct HeapLock {
    void (*lock)(void *context) noexcept;   ///< Takes the lock, waiting as long as it takes.
    void (*unlock)(void *context) noexcept; ///< Releases it.
    void *context;                          ///< Their argument.
};

/// The heap's default lock: test-and-set with a relaxed spin on the word in between; no
/// libatomic needed. Not re-entrant, and not fair.
class SpinLock {
public:
    /// Takes the lock, spinning until it is free.
    void lock() noexcept {
        while (held_.exchange(1, std::memory_order_acquire) != 0)
            while (held_.load(std::memory_order_relaxed) != 0) {
            }
    }
    /// Releases the lock.
    void unlock() noexcept { held_.store(0, std::memory_order_release); }

    /// This lock as a HeapLock; the SpinLock must outlive its use.
    constexpr HeapLock heap_lock() noexcept {
        return {[](void *self) noexcept { static_cast<SpinLock *>(self)->lock(); },
                [](void *self) noexcept { static_cast<SpinLock *>(self)->unlock(); }, this};
    }

private:
    std::atomic<unsigned> held_{0}; // a full word: sub-word atomics need libatomic on riscv64
};

/// A Tlsf allocator behind a lock, over a region it asks for on first use.
class Heap {
public:
    /// Gives the heap's region, once.
    using RegionSource = std::span<std::byte> (*)() noexcept;

    /// A heap whose region `source` gives on first use, under `lock`. A region too small for
    /// one block leaves a heap from which every allocation fails.
    constexpr Heap(RegionSource source, HeapLock lock) noexcept : source_(source), lock_(lock) {}
    Heap(const Heap &) = delete;            ///< Not copyable: it owns its region.
    Heap &operator=(const Heap &) = delete; ///< Not copyable: it owns its region.

    /// As Tlsf::allocate(), under the lock.
    void *allocate(std::size_t size, std::size_t align = Tlsf::alignment) noexcept;
    /// As Tlsf::deallocate(), under the lock.
    void deallocate(void *p) noexcept;
    /// As C's realloc: nullptr allocates; size 0 frees and returns nullptr; on failure nullptr
    /// and `p` untouched.
    void *reallocate(void *p, std::size_t size) noexcept;
    /// As Tlsf::usable_size(), under the lock.
    std::size_t usable_size(const void *p) noexcept;

    /// As Tlsf::statistics(), under the lock.
    Tlsf::Statistics statistics() noexcept;
    /// As Tlsf::integrity_error(), under the lock.
    const char *integrity_error() noexcept;

    /// Replaces the lock. Only while a single thread uses the heap.
    void set_lock(HeapLock lock) noexcept { lock_ = lock; }

private:
    template <typename F> auto locked(F f) noexcept;

    RegionSource source_;
    HeapLock lock_;
    Tlsf tlsf_;
    bool region_taken_ = false;
};

/// The heap behind malloc and operator new.
Heap &global_heap() noexcept;

/// The global heap's region, asked for once, on the first allocation. The library's default
/// (a weak definition) is a .bss array of `CPP_SEL4_HEAP_SIZE` bytes; a program's own
/// definition replaces it. It must return memory that nothing else uses (the allocator
/// aligns within it), and must not allocate.
std::span<std::byte> heap_region() noexcept;

/// Called by operator new in -fno-exceptions programs when no memory is left (and no
/// std::new_handler could free some). It should not return; if it does, the program aborts.
using OutOfMemoryHook = void (*)(std::size_t size, std::size_t alignment) noexcept;
/// Installs `hook` (nullptr: the default, which prints through the diagnostic writer and
/// aborts); returns the previous one.
OutOfMemoryHook set_out_of_memory_hook(OutOfMemoryHook hook) noexcept;
/// Where the heap prints its messages (none until set); the runtime sets its debug output.
using DiagnosticWriter = void (*)(const char *text) noexcept;
/// Sets where the heap prints its messages.
void set_heap_diagnostic_writer(DiagnosticWriter writer) noexcept;
/// Runs the out-of-memory hook for an allocation of `size` bytes aligned to `alignment`,
/// then aborts.
[[noreturn]] void report_out_of_memory(std::size_t size, std::size_t alignment) noexcept;

} // namespace sel4_runtime

/// Gives the program a heap of `bytes` bytes in .bss instead of the default size: defines
/// sel4_runtime::heap_region(). At most once, at namespace scope, in one source file.
#define SEL4_RUNTIME_HEAP_SIZE(bytes)                                                              \
    std::span<std::byte> sel4_runtime::heap_region() noexcept {                                    \
        alignas(::sel4_runtime::Tlsf::alignment) static std::byte sel4_runtime_heap_memory[bytes]; \
        return sel4_runtime_heap_memory;                                                           \
    }
