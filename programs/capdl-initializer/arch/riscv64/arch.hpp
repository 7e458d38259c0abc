// The CapDL initializer's riscv64 part: page tables at every level (Sv39: three), frames,
// mapping attributes, the IRQ objects (Irq, RiscvIrq with its trigger), the registers a
// thread starts with, and the instruction fetches after a frame is filled.
#pragma once

#include "../../src/arch_interface.hpp"
#include "../../src/arm_riscv.hpp"

namespace capdl_initializer::arch {

inline constexpr unsigned levels = sel4::gen::UserTop < (Word{1} << 39) ? 3 : 4; // Sv39 or Sv48

inline sel4::ObjectBlueprint page_table(unsigned) noexcept {
    return sel4::ObjectBlueprint::arch(sel4::arch::Object::PageTable);
}

inline sel4::Result<void> map_table(Word table, unsigned, Word vspace, Word vaddr) noexcept {
    return sel4::cap::PageTable(table).map(sel4::cap::VSpace(vspace), vaddr, sel4::VmAttributes::Default);
}

inline std::optional<sel4::ObjectBlueprint> vcpu() noexcept { return std::nullopt; }

inline sel4::VmAttributes attributes(bool, bool executable) noexcept {
    return executable ? sel4::VmAttributes::Default : sel4::VmAttributes::ExecuteNever;
}

inline bool irq_kind_supported(std::size_t kind) noexcept {
    return kind == sel4::capdl::kind_index<sel4::capdl::object::Irq> ||
           kind == sel4::capdl::kind_index<sel4::capdl::object::RiscvIrq>;
}

// words: the IRQ object's words (RiscvIrq: trigger).
inline sel4::Result<void> get_irq_handler(std::size_t kind, const Word *words, Word irq, sel4::AbsoluteCPtr slot) noexcept {
    if (kind == sel4::capdl::kind_index<sel4::capdl::object::Irq>) return sel4::init::irq_control.get(irq, slot);
    return sel4::init::irq_control.get_trigger(irq, words[0], slot);
}

inline void set_registers(sel4::gen::UserContext &regs, Word ip, Word sp, const Word *args, std::size_t count) noexcept {
    regs.pc = ip;
    regs.sp = sp;
    Word *const registers[] = {&regs.a0, &regs.a1, &regs.a2, &regs.a3, &regs.a4, &regs.a5, &regs.a6, &regs.a7};
    for (std::size_t n = 0; n < count && n < std::size(registers); ++n) *registers[n] = args[n];
}
inline constexpr std::size_t argument_registers = 8;

// Instructions written through another mapping are fetched anew (on this hart; seL4 fences the
// others when it migrates a thread).
inline sel4::Result<void> after_fill(Word, Word) noexcept {
    asm volatile("fence.i" ::: "memory");
    return {};
}

} // namespace capdl_initializer::arch
