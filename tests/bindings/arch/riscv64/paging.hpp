// riscv64 paging for bindings.vspace: the allocator's paging facts (sel4/alloc/arch/paging.hpp), and an address no structure covers yet.
#pragma once

#include <sel4/alloc/arch/paging.hpp>

namespace bindings_test::paging {
using sel4::alloc::arch::intermediate;
inline constexpr auto map = sel4::alloc::arch::map_structure;
// Attributes of a data mapping other than the default: never executed.
inline constexpr sel4::VmAttributes data_attributes = sel4::VmAttributes::Default | sel4::VmAttributes::ExecuteNever;
// An address in a top-level entry the root task does not use (Sv39 user space ends at 2^38).
inline constexpr sel4::Word free_address = sel4::Word{1} << 37;
} // namespace bindings_test::paging
