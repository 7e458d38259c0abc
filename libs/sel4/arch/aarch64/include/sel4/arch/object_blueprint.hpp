/// @file
/// aarch64 frames and paging structures: every intermediate level is a PageTable and the
/// top level a VSpace.
#pragma once

#include <sel4/detail/arch_object.hpp>
#include <sel4/gen/constants.hpp>

namespace sel4::arch {

/// \brief The kinds of frame and paging structure on aarch64.
enum class Object {
    Page, ///< A frame of gen::PageBits.
    LargePage, ///< A frame of gen::LargePageBits.
    HugePage, ///< A frame of gen::HugePageBits.
    PageTable, ///< A page table.
    VSpace, ///< The root of a VSpace: a VSpace object.
};

/// \brief Every kind of frame and paging structure: its object type and size.
inline constexpr ObjectInfo<Object> objects[] = {
    {Object::Page, gen::ObjectType::ARM_SmallPageObject, gen::PageBits, "page"},
    {Object::LargePage, gen::ObjectType::ARM_LargePageObject, gen::LargePageBits, "large page"},
    {Object::HugePage, gen::ObjectType::ARM_HugePageObject, gen::HugePageBits, "huge page"},
    {Object::PageTable, gen::ObjectType::ARM_PageTableObject, gen::PageTableBits, "page table"},
    {Object::VSpace, gen::ObjectType::ARM_VSpaceObject, gen::VSpaceBits, "vspace"},
};

} // namespace sel4::arch
