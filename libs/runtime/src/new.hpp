// Allocation for the global operator new forms (src/new_forms.cpp), defined in src/new.cpp.
#pragma once

#include <cstddef>

namespace sel4_runtime::detail {
// Allocates or fails as operator new does: std::bad_alloc, or the out-of-memory hook.
void *operator_new(std::size_t size, std::size_t alignment);
// nullptr on failure.
void *operator_new_nothrow(std::size_t size, std::size_t alignment) noexcept;
} // namespace sel4_runtime::detail
