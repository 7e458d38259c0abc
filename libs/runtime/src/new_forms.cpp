// The replaceable global allocation functions (C++ [replacement.functions]), one form per
// object: the build compiles this file once for each CPP_SEL4_NEW_FORM, so that a program
// that defines one form itself links with its own and the runtime's others. The forms with
// a default behaviour in terms of another ([new.delete]) call that one, so a replacement of
// operator new(size_t) also serves new[] and nothrow new.
#include <sel4/runtime/heap.hpp>

#include <new>

#include "new.hpp"

using sel4_runtime::global_heap;
using sel4_runtime::detail::operator_new;
using sel4_runtime::detail::operator_new_nothrow;

namespace {
constexpr std::size_t default_alignment = __STDCPP_DEFAULT_NEW_ALIGNMENT__;
[[maybe_unused]] std::size_t value(std::align_val_t alignment) { return static_cast<std::size_t>(alignment); }
} // namespace

#define CPP_SEL4_FORM(n) (CPP_SEL4_NEW_FORM == (n))

#if CPP_SEL4_FORM(0)
void *operator new(std::size_t size) { return operator_new(size, default_alignment); }
#elif CPP_SEL4_FORM(1)
void *operator new[](std::size_t size) { return ::operator new(size); }
#elif CPP_SEL4_FORM(2)
void *operator new(std::size_t size, std::align_val_t a) { return operator_new(size, value(a)); }
#elif CPP_SEL4_FORM(3)
void *operator new[](std::size_t size, std::align_val_t a) { return ::operator new(size, a); }
#elif CPP_SEL4_FORM(4)
void *operator new(std::size_t size, const std::nothrow_t &) noexcept {
#if __cpp_exceptions
    try {
        return ::operator new(size);
    } catch (...) {
        return nullptr;
    }
#else // operator new cannot fail by returning here: allocate without it
    return operator_new_nothrow(size, default_alignment);
#endif
}
#elif CPP_SEL4_FORM(5)
void *operator new[](std::size_t size, const std::nothrow_t &) noexcept {
#if __cpp_exceptions
    try {
        return ::operator new[](size);
    } catch (...) {
        return nullptr;
    }
#else
    return operator_new_nothrow(size, default_alignment);
#endif
}
#elif CPP_SEL4_FORM(6)
void *operator new(std::size_t size, std::align_val_t a, const std::nothrow_t &) noexcept {
#if __cpp_exceptions
    try {
        return ::operator new(size, a);
    } catch (...) {
        return nullptr;
    }
#else
    return operator_new_nothrow(size, value(a));
#endif
}
#elif CPP_SEL4_FORM(7)
void *operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t &) noexcept {
#if __cpp_exceptions
    try {
        return ::operator new[](size, a);
    } catch (...) {
        return nullptr;
    }
#else
    return operator_new_nothrow(size, value(a));
#endif
}
// The heap knows each block's size and needs no alignment to free it; the other forms
// forward to these two, as the standard's default behaviours say.
#elif CPP_SEL4_FORM(8)
void operator delete(void *p) noexcept { global_heap().deallocate(p); }
#elif CPP_SEL4_FORM(9)
void operator delete[](void *p) noexcept { ::operator delete(p); }
#elif CPP_SEL4_FORM(10)
void operator delete(void *p, std::size_t) noexcept { ::operator delete(p); }
#elif CPP_SEL4_FORM(11)
void operator delete[](void *p, std::size_t) noexcept { ::operator delete[](p); }
#elif CPP_SEL4_FORM(12)
void operator delete(void *p, std::align_val_t) noexcept { global_heap().deallocate(p); }
#elif CPP_SEL4_FORM(13)
void operator delete[](void *p, std::align_val_t a) noexcept { ::operator delete(p, a); }
#elif CPP_SEL4_FORM(14)
void operator delete(void *p, std::size_t, std::align_val_t a) noexcept { ::operator delete(p, a); }
#elif CPP_SEL4_FORM(15)
void operator delete[](void *p, std::size_t, std::align_val_t a) noexcept { ::operator delete[](p, a); }
#elif CPP_SEL4_FORM(16)
void operator delete(void *p, const std::nothrow_t &) noexcept { ::operator delete(p); }
#elif CPP_SEL4_FORM(17)
void operator delete[](void *p, const std::nothrow_t &) noexcept { ::operator delete[](p); }
#elif CPP_SEL4_FORM(18)
void operator delete(void *p, std::align_val_t a, const std::nothrow_t &) noexcept { ::operator delete(p, a); }
#elif CPP_SEL4_FORM(19)
void operator delete[](void *p, std::align_val_t a, const std::nothrow_t &) noexcept { ::operator delete[](p, a); }
#else
#error "CPP_SEL4_NEW_FORM must be 0 to 19"
#endif
