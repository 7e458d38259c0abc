// The CapDL initializer's x86_64 part: the PML4, PDPTs, page directories and page tables,
// frames, mapping attributes, the IRQ objects (Irq, IrqIOApic, IrqMsi), the registers a
// thread starts with (the System V argument registers).
#pragma once

#include "../../src/arch_interface.hpp"

namespace capdl_initializer::arch {

inline constexpr unsigned levels = 4;

inline sel4::ObjectBlueprint page_table(unsigned level) noexcept {
    constexpr sel4::arch::Object by_level[] = {sel4::arch::Object::VSpace, sel4::arch::Object::Pdpt,
                                               sel4::arch::Object::PageDirectory, sel4::arch::Object::PageTable};
    return sel4::ObjectBlueprint::arch(by_level[level]);
}

inline sel4::Result<void> map_table(Word table, unsigned level, Word vspace, Word vaddr) noexcept {
    const sel4::cap::VSpace root(vspace);
    switch (level) {
    case 1:
        return sel4::cap::Pdpt(table).map(root, vaddr, sel4::VmAttributes::Default);
    case 2:
        return sel4::cap::PageDirectory(table).map(root, vaddr, sel4::VmAttributes::Default);
    default:
        return sel4::cap::PageTable(table).map(root, vaddr, sel4::VmAttributes::Default);
    }
}

// The arch's frame objects, smallest first (1 GiB pages are left out: they need HUGE_PAGE).
inline constexpr sel4::arch::Object frames[] = {sel4::arch::Object::Page, sel4::arch::Object::LargePage};

inline sel4::Result<void> issue_io_ports(Word first, Word last, sel4::AbsoluteCPtr slot) noexcept {
    return sel4::cap::IoPortControl(sel4::gen::CapIOPortControl).issue(first, last, slot);
}

// Virtual CPUs (VT-x) are left out.
inline std::optional<sel4::ObjectBlueprint> vcpu() noexcept { return std::nullopt; }

inline sel4::VmAttributes attributes(bool cached, bool) noexcept {
    return cached ? sel4::VmAttributes::Default : sel4::VmAttributes::CacheDisabled;
}

inline bool irq_kind_supported(std::size_t kind) noexcept {
    return kind == sel4::capdl::kind_index<sel4::capdl::object::Irq> ||
           kind == sel4::capdl::kind_index<sel4::capdl::object::IrqIOApic> ||
           kind == sel4::capdl::kind_index<sel4::capdl::object::IrqMsi>;
}

// words: the IRQ object's words (IrqIOApic: ioapic, pin, level, polarity; IrqMsi: handle,
// PCI bus, device, function); the IRQ number is the vector.
inline sel4::Result<void> get_irq_handler(std::size_t kind, const Word *words, Word irq, sel4::AbsoluteCPtr slot) noexcept {
    if (kind == sel4::capdl::kind_index<sel4::capdl::object::IrqIOApic>)
        return sel4::init::irq_control.get_ioapic(slot, words[0], words[1], words[2], words[3], irq);
    if (kind == sel4::capdl::kind_index<sel4::capdl::object::IrqMsi>)
        return sel4::init::irq_control.get_msi(slot, words[1], words[2], words[3], words[0], irq);
    return sel4::init::irq_control.get(irq, slot);
}

inline void set_registers(sel4::gen::UserContext &regs, Word ip, Word sp, const Word *args, std::size_t count) noexcept {
    regs.rip = ip;
    regs.rsp = sp;
    Word *const registers[] = {&regs.rdi, &regs.rsi, &regs.rdx, &regs.rcx, &regs.r8, &regs.r9};
    for (std::size_t n = 0; n < count && n < std::size(registers); ++n) *registers[n] = args[n];
}
inline constexpr std::size_t argument_registers = 6;

// x86 keeps its instruction fetches coherent with stores.
inline sel4::Result<void> after_fill(Word, Word) noexcept { return {}; }

} // namespace capdl_initializer::arch
