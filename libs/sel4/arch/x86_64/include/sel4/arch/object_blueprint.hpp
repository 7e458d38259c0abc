/// @file
/// x86_64 frames and paging structures: PML4 (the VSpace), PDPT, page directory and page
/// table.
#pragma once

#include <sel4/detail/arch_object.hpp>
#include <sel4/gen/constants.hpp>

namespace sel4::arch {

/// \brief The kinds of frame and paging structure on x86_64.
enum class Object {
    Page, ///< A frame of gen::PageBits.
    LargePage, ///< A frame of gen::LargePageBits.
    PageTable, ///< A page table.
    PageDirectory, ///< A page directory.
    Pdpt, ///< A page directory pointer table.
    VSpace, ///< The root of a VSpace: a PML4.
};

/// \brief Every kind of frame and paging structure: its object type and size.
inline constexpr ObjectInfo<Object> objects[] = {
    {Object::Page, gen::ObjectType::X86_4K, gen::PageBits, "page"},
    {Object::LargePage, gen::ObjectType::X86_LargePageObject, gen::LargePageBits, "large page"},
    {Object::PageTable, gen::ObjectType::X86_PageTableObject, gen::PageTableBits, "page table"},
    {Object::PageDirectory, gen::ObjectType::X86_PageDirectoryObject, gen::PageDirBits, "page directory"},
    {Object::Pdpt, gen::ObjectType::X86_PDPTObject, gen::PDPTBits, "pdpt"},
    {Object::VSpace, gen::ObjectType::X64_PML4Object, gen::PML4Bits, "vspace (pml4)"},
};

} // namespace sel4::arch
