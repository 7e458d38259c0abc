// The locked heap, the global instance and the C allocation functions over it.
//
// The exported names are the C names on the target; the host unit tests build them with
// CPP_SEL4_C_PREFIX in front, so that the test program keeps the host's own malloc.
#include <sel4/runtime/heap.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "c_name.hpp"

namespace sel4_runtime {

// Runs `f` on the allocator under the lock, taking the region first if not yet done.
template <typename F> auto Heap::locked(F f) noexcept {
    struct Guard {
        HeapLock lock;
        explicit Guard(HeapLock l) noexcept : lock(l) { lock.lock(lock.context); }
        ~Guard() { lock.unlock(lock.context); }
    } guard{lock_};
    if (!region_taken_) {
        region_taken_ = true;
        tlsf_.init(source_());
    }
    return f(tlsf_);
}

void *Heap::allocate(std::size_t size, std::size_t align) noexcept {
    return locked([&](Tlsf &t) { return t.allocate(size, align); });
}

void Heap::deallocate(void *p) noexcept {
    if (p != nullptr)
        locked([&](Tlsf &t) { t.deallocate(p); });
}

void *Heap::reallocate(void *p, std::size_t size) noexcept {
    if (p == nullptr)
        return allocate(size);
    if (size == 0) {
        deallocate(p);
        return nullptr;
    }
    return locked([&](Tlsf &t) { return t.reallocate(p, size); });
}

std::size_t Heap::usable_size(const void *p) noexcept {
    return locked([&](Tlsf &t) { return t.usable_size(p); });
}

Tlsf::Statistics Heap::statistics() noexcept {
    return locked([](Tlsf &t) { return t.statistics(); });
}

const char *Heap::integrity_error() noexcept {
    return locked([](Tlsf &t) { return t.integrity_error(); });
}

namespace {

constinit SpinLock default_lock;
constinit Heap the_heap{&heap_region, default_lock.heap_lock()};

constinit std::atomic<OutOfMemoryHook> out_of_memory_hook{nullptr};
constinit std::atomic<DiagnosticWriter> diagnostic_writer{nullptr};

void write(const char *text) noexcept {
    if (const DiagnosticWriter writer = diagnostic_writer.load(std::memory_order_acquire))
        writer(text);
}

void write_number(std::size_t value) noexcept {
    char digits[24];
    char *p = digits + sizeof digits;
    *--p = '\0';
    do {
        *--p = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    write(p);
}

void print_out_of_memory(std::size_t size, std::size_t alignment) noexcept {
    write("heap: out of memory allocating ");
    write_number(size);
    write(" bytes aligned to ");
    write_number(alignment);
    write("\n");
}

} // namespace

Heap &global_heap() noexcept { return the_heap; }

OutOfMemoryHook set_out_of_memory_hook(OutOfMemoryHook hook) noexcept {
    return out_of_memory_hook.exchange(hook, std::memory_order_acq_rel);
}

void set_heap_diagnostic_writer(DiagnosticWriter writer) noexcept {
    diagnostic_writer.store(writer, std::memory_order_release);
}

void report_out_of_memory(std::size_t size, std::size_t alignment) noexcept {
    const OutOfMemoryHook hook = out_of_memory_hook.load(std::memory_order_acquire);
    (hook != nullptr ? hook : print_out_of_memory)(size, alignment);
    std::abort();
}

} // namespace sel4_runtime

using sel4_runtime::global_heap;
using sel4_runtime::Tlsf;

extern "C" {

void *CPP_SEL4_C_NAME(malloc)(std::size_t size) { return global_heap().allocate(size); }

void CPP_SEL4_C_NAME(free)(void *p) { global_heap().deallocate(p); }

void *CPP_SEL4_C_NAME(calloc)(std::size_t count, std::size_t size) {
    std::size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes))
        return nullptr;
    void *p = global_heap().allocate(bytes);
    if (p != nullptr)
        std::memset(p, 0, bytes);
    return p;
}

// glibc's behaviour for size 0: frees and returns nullptr.
void *CPP_SEL4_C_NAME(realloc)(void *p, std::size_t size) {
    return global_heap().reallocate(p, size);
}

// Any power-of-two alignment (the size need not be a multiple of it); nullptr otherwise.
void *CPP_SEL4_C_NAME(aligned_alloc)(std::size_t alignment, std::size_t size) {
    if (!Tlsf::is_power_of_two(alignment))
        return nullptr;
    return global_heap().allocate(size, alignment < Tlsf::alignment ? Tlsf::alignment : alignment);
}

void *CPP_SEL4_C_NAME(memalign)(std::size_t alignment, std::size_t size) {
    return CPP_SEL4_C_NAME(aligned_alloc)(alignment, size);
}

int CPP_SEL4_C_NAME(posix_memalign)(void **out, std::size_t alignment, std::size_t size) {
    if (!Tlsf::is_power_of_two(alignment) || alignment % sizeof(void *) != 0)
        return EINVAL;
    void *p = CPP_SEL4_C_NAME(aligned_alloc)(alignment, size);
    if (p == nullptr)
        return ENOMEM;
    *out = p;
    return 0;
}

} // extern "C"
