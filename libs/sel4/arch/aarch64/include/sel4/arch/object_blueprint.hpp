// aarch64 frames and paging structures: every intermediate level is a PageTable and the
// top level a VSpace.
#pragma once

#include <sel4/gen/constants.hpp>

#include <cstdint>

namespace sel4::arch {

enum class Object { Page, LargePage, HugePage, PageTable, VSpace };

// Every kind of frame and paging structure, each once.
inline constexpr Object all_objects[] = {Object::Page, Object::LargePage, Object::HugePage, Object::PageTable, Object::VSpace};

constexpr const char *name(Object object) noexcept {
    switch (object) {
    case Object::Page:
        return "page";
    case Object::LargePage:
        return "large page";
    case Object::HugePage:
        return "huge page";
    case Object::PageTable:
        return "page table";
    case Object::VSpace:
        return "vspace";
    }
    return "?";
}

constexpr gen::ObjectType object_type(Object object) noexcept {
    switch (object) {
    case Object::Page:
        return gen::ObjectType::ARM_SmallPageObject;
    case Object::LargePage:
        return gen::ObjectType::ARM_LargePageObject;
    case Object::HugePage:
        return gen::ObjectType::ARM_HugePageObject;
    case Object::PageTable:
        return gen::ObjectType::ARM_PageTableObject;
    case Object::VSpace:
        return gen::ObjectType::ARM_VSpaceObject;
    }
    return gen::ObjectType::ARM_SmallPageObject;
}

constexpr std::uintptr_t physical_size_bits(gen::ObjectType type) noexcept {
    switch (type) {
    case gen::ObjectType::ARM_SmallPageObject:
        return gen::PageBits;
    case gen::ObjectType::ARM_LargePageObject:
        return gen::LargePageBits;
    case gen::ObjectType::ARM_HugePageObject:
        return gen::HugePageBits;
    case gen::ObjectType::ARM_PageTableObject:
        return gen::PageTableBits;
    case gen::ObjectType::ARM_VSpaceObject:
        return gen::VSpaceBits;
    default:
        return 0;
    }
}

} // namespace sel4::arch
