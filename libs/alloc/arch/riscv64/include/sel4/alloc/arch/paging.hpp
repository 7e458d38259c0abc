// riscv64 (Sv39) paging: the top-level page table is the VSpace, page tables below it.
#pragma once

#include <sel4/sel4.hpp>

namespace sel4::alloc::arch {
using VSpace = sel4::cap::PageTable;
inline constexpr sel4::arch::Object intermediate[] = {sel4::arch::Object::PageTable};
inline constexpr Word attributes = gen::RISCV_Default_VMAttributes;

inline Result<void> map_structure(sel4::arch::Object, Word cptr, VSpace vspace, Word vaddr) noexcept {
    return cap::PageTable(cptr).map(vspace, vaddr, attributes);
}
} // namespace sel4::alloc::arch
