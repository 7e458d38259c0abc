// x86_64 paging for bindings.vspace: the root task's PML4, and the structures below it
// from the lowest level up.
#pragma once

#include <sel4/sel4.hpp>

namespace bindings_test::paging {
using VSpace = sel4::cap::Pml4;
using Page = sel4::cap::Page;
inline constexpr sel4::arch::Object intermediate[] = {sel4::arch::Object::PageTable, sel4::arch::Object::PageDirectory,
                                                      sel4::arch::Object::Pdpt};
inline constexpr sel4::Word attributes = sel4::gen::X86_Default_VMAttributes;
// An address whose PML4 entry the root task does not use: every level must be made.
inline constexpr sel4::Word free_address = sel4::Word{1} << 39;

inline sel4::Result<void> map(sel4::arch::Object object, sel4::Word cptr, VSpace vspace, sel4::Word vaddr) {
    switch (object) {
    case sel4::arch::Object::PageTable:
        return sel4::cap::PageTable(cptr).map(vspace, vaddr, attributes);
    case sel4::arch::Object::PageDirectory:
        return sel4::cap::PageDirectory(cptr).map(vspace, vaddr, attributes);
    default:
        return sel4::cap::Pdpt(cptr).map(vspace, vaddr, attributes);
    }
}
} // namespace bindings_test::paging
