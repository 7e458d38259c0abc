/// @file
/// riscv64 (Sv39) frames and paging structures: every level, the top one (the VSpace)
/// included, is a PageTable.
#pragma once

#include <sel4/detail/arch_object.hpp>
#include <sel4/gen/constants.hpp>

namespace sel4::arch {

/// \brief The kinds of frame and paging structure on riscv64.
enum class Object {
    Page, ///< A frame of gen::PageBits.
    LargePage, ///< A frame of gen::LargePageBits.
    HugePage, ///< A frame of gen::HugePageBits.
    PageTable, ///< A page table.
    VSpace, ///< The root of a VSpace: a page table.
};

/// \brief Every kind of frame and paging structure: its object type and size.
inline constexpr ObjectInfo<Object> objects[] = {
    {Object::Page, gen::ObjectType::RISCV_4K_Page, gen::PageBits, "page"},
    {Object::LargePage, gen::ObjectType::RISCV_Mega_Page, gen::LargePageBits, "large page"},
    {Object::HugePage, gen::ObjectType::RISCV_Giga_Page, gen::HugePageBits, "huge page"},
    {Object::PageTable, gen::ObjectType::RISCV_PageTableObject, gen::PageTableBits, "page table"},
    {Object::VSpace, gen::ObjectType::RISCV_PageTableObject, gen::PageTableBits, "vspace (page table)"},
};

} // namespace sel4::arch
