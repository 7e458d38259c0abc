// riscv64 (Sv39) frames and paging structures: every level, the top one (the VSpace)
// included, is a PageTable.
#pragma once

#include <sel4/gen/constants.hpp>

#include <cstdint>

namespace sel4::arch {

enum class Object { Page, LargePage, HugePage, PageTable, VSpace };

// Every kind of frame and paging structure, each once.
inline constexpr Object all_objects[] = {Object::Page, Object::LargePage, Object::HugePage, Object::PageTable};

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
        return "vspace (page table)";
    }
    return "?";
}

constexpr gen::ObjectType object_type(Object object) noexcept {
    switch (object) {
    case Object::Page:
        return gen::ObjectType::RISCV_4K_Page;
    case Object::LargePage:
        return gen::ObjectType::RISCV_Mega_Page;
    case Object::HugePage:
        return gen::ObjectType::RISCV_Giga_Page;
    case Object::PageTable:
    case Object::VSpace:
        return gen::ObjectType::RISCV_PageTableObject;
    }
    return gen::ObjectType::RISCV_4K_Page;
}

constexpr std::uintptr_t physical_size_bits(gen::ObjectType type) noexcept {
    switch (type) {
    case gen::ObjectType::RISCV_4K_Page:
        return gen::PageBits;
    case gen::ObjectType::RISCV_Mega_Page:
        return gen::LargePageBits;
    case gen::ObjectType::RISCV_Giga_Page:
        return gen::HugePageBits;
    case gen::ObjectType::RISCV_PageTableObject:
        return gen::PageTableBits;
    default:
        return 0;
    }
}

} // namespace sel4::arch
