// aarch64 paging: the VSpace at the top, page tables at every level below it.
#pragma once

#include <sel4/sel4.hpp>

namespace sel4::alloc::arch {
using VSpace = sel4::cap::VSpace;
inline constexpr sel4::arch::Object intermediate[] = {sel4::arch::Object::PageTable};
inline constexpr Word attributes = gen::ARM_Default_VMAttributes;

inline Result<void> map_structure(sel4::arch::Object, Word cptr, VSpace vspace, Word vaddr) noexcept {
    return cap::PageTable(cptr).map(vspace, vaddr, attributes);
}
} // namespace sel4::alloc::arch
