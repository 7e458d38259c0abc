// aarch64 paging for bindings.vspace: the root task's VSpace, and page tables below it.
#pragma once

#include <sel4/sel4.hpp>

namespace bindings_test::paging {
using VSpace = sel4::cap::VSpace;
using Page = sel4::cap::Page;
inline constexpr sel4::arch::Object intermediate[] = {sel4::arch::Object::PageTable};
inline constexpr sel4::Word attributes = sel4::gen::ARM_Default_VMAttributes;
// An address far above the root task's image: every level below the top must be made.
inline constexpr sel4::Word free_address = sel4::Word{1} << 39;

inline sel4::Result<void> map(sel4::arch::Object, sel4::Word cptr, VSpace vspace, sel4::Word vaddr) {
    return sel4::cap::PageTable(cptr).map(vspace, vaddr, attributes);
}
} // namespace bindings_test::paging
