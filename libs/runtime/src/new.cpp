// What the global operator new and delete forms (src/new_forms.cpp) call: allocation over
// the global heap.
//
// Built twice for the worlds: into runtime-heap with exceptions, where exhaustion throws
// std::bad_alloc, and into runtime-heap-no-exceptions (-fno-exceptions), where it calls the
// out-of-memory hook. Both call the std::new_handler first, as the standard asks.
#include <sel4/runtime/heap.hpp>

#include <new>

#include "new.hpp"

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
