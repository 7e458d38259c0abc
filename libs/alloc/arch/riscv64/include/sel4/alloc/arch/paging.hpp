/// @file
/// riscv64 (Sv39) paging: the top-level page table is the VSpace, page tables below it.
#pragma once

#include <sel4/sel4.hpp>

/// The arch's paging structures, as the Allocator makes and maps them.
namespace sel4::alloc::arch {
/// The paging structures below the VSpace that a mapping may need, from the lowest level up.
inline constexpr sel4::arch::Object intermediate[] = {sel4::arch::Object::PageTable};
/// The VM attributes of every mapping (the kernel's default ones).
inline constexpr VmAttributes attributes = VmAttributes::Default;

/// Maps the paging structure of kind `object` at `cptr` into `vspace`, where it covers
/// `vaddr`; FailedLookup when the level above it is missing too.
inline Result<void> map_structure(sel4::arch::Object, Word cptr, cap::VSpace vspace, Word vaddr) noexcept {
    return cap::PageTable(cptr).map(vspace, vaddr, attributes);
}
} // namespace sel4::alloc::arch
