// riscv64 (Sv39) paging for bindings.vspace: the root task's top-level page table, and
// page tables below it.
#pragma once

#include <sel4/sel4.hpp>

namespace bindings_test::paging {
using VSpace = sel4::cap::PageTable;
using Page = sel4::cap::Page;
inline constexpr sel4::arch::Object intermediate[] = {sel4::arch::Object::PageTable};
inline constexpr sel4::Word attributes = sel4::gen::RISCV_Default_VMAttributes;
// An address in a top-level entry the root task does not use (Sv39 user space ends at 2^38).
inline constexpr sel4::Word free_address = sel4::Word{1} << 37;

inline sel4::Result<void> map(sel4::arch::Object, sel4::Word cptr, VSpace vspace, sel4::Word vaddr) {
    return sel4::cap::PageTable(cptr).map(vspace, vaddr, attributes);
}
} // namespace bindings_test::paging
