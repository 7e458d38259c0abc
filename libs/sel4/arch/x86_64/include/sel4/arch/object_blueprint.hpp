// x86_64 frames and paging structures: PML4 (the VSpace), PDPT, page directory and page
// table.
#pragma once

#include <sel4/gen/constants.hpp>

#include <cstdint>

namespace sel4::arch {

enum class Object { Page, LargePage, PageTable, PageDirectory, Pdpt, VSpace };

// Every kind of frame and paging structure, each once.
inline constexpr Object all_objects[] = {Object::Page, Object::LargePage, Object::PageTable, Object::PageDirectory, Object::Pdpt, Object::VSpace};

constexpr const char *name(Object object) noexcept {
    switch (object) {
    case Object::Page:
        return "page";
    case Object::LargePage:
        return "large page";
    case Object::PageTable:
        return "page table";
    case Object::PageDirectory:
        return "page directory";
    case Object::Pdpt:
        return "pdpt";
    case Object::VSpace:
        return "vspace (pml4)";
    }
    return "?";
}

constexpr gen::ObjectType object_type(Object object) noexcept {
    switch (object) {
    case Object::Page:
        return gen::ObjectType::X86_4K;
    case Object::LargePage:
        return gen::ObjectType::X86_LargePageObject;
    case Object::PageTable:
        return gen::ObjectType::X86_PageTableObject;
    case Object::PageDirectory:
        return gen::ObjectType::X86_PageDirectoryObject;
    case Object::Pdpt:
        return gen::ObjectType::X86_PDPTObject;
    case Object::VSpace:
        return gen::ObjectType::X64_PML4Object;
    }
    return gen::ObjectType::X86_4K;
}

constexpr std::uintptr_t physical_size_bits(gen::ObjectType type) noexcept {
    switch (type) {
    case gen::ObjectType::X86_4K:
        return gen::PageBits;
    case gen::ObjectType::X86_LargePageObject:
        return gen::LargePageBits;
    case gen::ObjectType::X86_PageTableObject:
        return gen::PageTableBits;
    case gen::ObjectType::X86_PageDirectoryObject:
        return gen::PageDirBits;
    case gen::ObjectType::X86_PDPTObject:
        return gen::PDPTBits;
    case gen::ObjectType::X64_PML4Object:
        return gen::PML4Bits;
    default:
        return 0;
    }
}

} // namespace sel4::arch
