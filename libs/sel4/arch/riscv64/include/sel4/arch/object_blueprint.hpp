// riscv64 (Sv39) frames and paging structures: every level, the top one (the VSpace)
// included, is a PageTable.
#pragma once

#include <sel4/detail/arch_object.hpp>
#include <sel4/gen/constants.hpp>

namespace sel4::arch {

enum class Object { Page, LargePage, HugePage, PageTable, VSpace };

// Every kind of frame and paging structure: its object type and size.
inline constexpr ObjectInfo<Object> objects[] = {
    {Object::Page, gen::ObjectType::RISCV_4K_Page, gen::PageBits, "page"},
    {Object::LargePage, gen::ObjectType::RISCV_Mega_Page, gen::LargePageBits, "large page"},
    {Object::HugePage, gen::ObjectType::RISCV_Giga_Page, gen::HugePageBits, "huge page"},
    {Object::PageTable, gen::ObjectType::RISCV_PageTableObject, gen::PageTableBits, "page table"},
    {Object::VSpace, gen::ObjectType::RISCV_PageTableObject, gen::PageTableBits, "vspace (page table)"},
};

} // namespace sel4::arch
