// x86_64 paging: the PML4, then PDPT, page directory and page table, tried from the lowest
// level up (the first that maps is the highest one missing).
#pragma once

#include <sel4/sel4.hpp>

namespace sel4::alloc::arch {
using VSpace = sel4::cap::Pml4;
inline constexpr sel4::arch::Object intermediate[] = {sel4::arch::Object::PageTable, sel4::arch::Object::PageDirectory,
                                                      sel4::arch::Object::Pdpt};
inline constexpr Word attributes = gen::X86_Default_VMAttributes;

inline Result<void> map_structure(sel4::arch::Object object, Word cptr, VSpace vspace, Word vaddr) noexcept {
    switch (object) {
    case sel4::arch::Object::PageTable:
        return cap::PageTable(cptr).map(vspace, vaddr, attributes);
    case sel4::arch::Object::PageDirectory:
        return cap::PageDirectory(cptr).map(vspace, vaddr, attributes);
    default:
        return cap::Pdpt(cptr).map(vspace, vaddr, attributes);
    }
}
} // namespace sel4::alloc::arch
