// Global operator new and delete, in all their forms, over the global heap.
//
// Built twice for the worlds: into runtime-heap with exceptions, where exhaustion throws
// std::bad_alloc, and into runtime-heap-no-exceptions (-fno-exceptions), where it calls the
// out-of-memory hook. Both call the std::new_handler first, as the standard asks.
//
// The host unit tests build this file with CPP_SEL4_C_PREFIX, which leaves out the operators
// themselves (the test program keeps the host's) and keeps the functions they forward to.
#include <sel4/runtime/heap.hpp>

#include <new>

namespace sel4_runtime::detail {

namespace {

// Tries, calling the new_handler between tries while one is set; nullptr when none is.
void *allocate_with_handler(std::size_t size, std::size_t alignment) {
    for (;;) {
        if (void *p = global_heap().allocate(size, alignment))
            return p;
        const std::new_handler handler = std::get_new_handler();
        if (handler == nullptr)
            return nullptr;
        handler();
    }
}

} // namespace

void *operator_new(std::size_t size, std::size_t alignment) {
    if (void *p = allocate_with_handler(size, alignment))
        return p;
#if __cpp_exceptions
    throw std::bad_alloc();
#else
    report_out_of_memory(size, alignment);
#endif
}

void *operator_new_nothrow(std::size_t size, std::size_t alignment) noexcept {
#if __cpp_exceptions
    try {
        return allocate_with_handler(size, alignment);
    } catch (const std::bad_alloc &) { // a new_handler may throw it
        return nullptr;
    }
#else
    return allocate_with_handler(size, alignment);
#endif
}

} // namespace sel4_runtime::detail

#ifndef CPP_SEL4_C_PREFIX

using sel4_runtime::global_heap;
using sel4_runtime::detail::operator_new;
using sel4_runtime::detail::operator_new_nothrow;

namespace {
constexpr std::size_t default_alignment = __STDCPP_DEFAULT_NEW_ALIGNMENT__;
std::size_t value(std::align_val_t alignment) { return static_cast<std::size_t>(alignment); }
} // namespace

void *operator new(std::size_t size) { return operator_new(size, default_alignment); }
void *operator new[](std::size_t size) { return operator_new(size, default_alignment); }
void *operator new(std::size_t size, std::align_val_t a) { return operator_new(size, value(a)); }
void *operator new[](std::size_t size, std::align_val_t a) { return operator_new(size, value(a)); }

void *operator new(std::size_t size, const std::nothrow_t &) noexcept {
    return operator_new_nothrow(size, default_alignment);
}
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept {
    return operator_new_nothrow(size, default_alignment);
}
void *operator new(std::size_t size, std::align_val_t a, const std::nothrow_t &) noexcept {
    return operator_new_nothrow(size, value(a));
}
void *operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t &) noexcept {
    return operator_new_nothrow(size, value(a));
}

// The heap knows each block's size and needs no alignment to free it: every delete is free.
void operator delete(void *p) noexcept { global_heap().deallocate(p); }
void operator delete[](void *p) noexcept { global_heap().deallocate(p); }
void operator delete(void *p, std::size_t) noexcept { global_heap().deallocate(p); }
void operator delete[](void *p, std::size_t) noexcept { global_heap().deallocate(p); }
void operator delete(void *p, std::align_val_t) noexcept { global_heap().deallocate(p); }
void operator delete[](void *p, std::align_val_t) noexcept { global_heap().deallocate(p); }
void operator delete(void *p, std::size_t, std::align_val_t) noexcept {
    global_heap().deallocate(p);
}
void operator delete[](void *p, std::size_t, std::align_val_t) noexcept {
    global_heap().deallocate(p);
}
void operator delete(void *p, const std::nothrow_t &) noexcept { global_heap().deallocate(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { global_heap().deallocate(p); }
void operator delete(void *p, std::align_val_t, const std::nothrow_t &) noexcept {
    global_heap().deallocate(p);
}
void operator delete[](void *p, std::align_val_t, const std::nothrow_t &) noexcept {
    global_heap().deallocate(p);
}

#endif
