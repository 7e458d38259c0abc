// The CapDL initializer's aarch64 part: paging structures (a VSpace root, then page tables),
// frames, mapping attributes, the IRQ objects (Irq, ArmIrq with trigger and, on SMP, target
// core), the registers a thread starts with, and the instruction cache after a frame is filled.
#pragma once

#include "../../src/arch_interface.hpp"
#include "../../src/arm_riscv.hpp"

namespace capdl_initializer::arch {

// A root of 10 index bits (a 40-bit stage-2 VSpace at EL2) has three levels, else four.
inline constexpr unsigned levels = sel4::gen::VSpaceIndexBits == 10 ? 3 : 4;

inline sel4::ObjectBlueprint page_table(unsigned level) noexcept {
    return sel4::ObjectBlueprint::arch(level == 0 ? sel4::arch::Object::VSpace : sel4::arch::Object::PageTable);
}

inline sel4::Result<void> map_table(Word table, unsigned, Word vspace, Word vaddr) noexcept {
    return sel4::cap::PageTable(table).map(sel4::cap::VSpace(vspace), vaddr, sel4::VmAttributes::Default);
}

// A virtual CPU, on a kernel with hypervisor support.
inline std::optional<sel4::ObjectBlueprint> vcpu() noexcept {
#if CPP_SEL4_CONFIG_ARM_HYPERVISOR_SUPPORT
    return sel4::ObjectBlueprint{sel4::gen::ObjectType::ARM_VCPUObject};
#else
    return std::nullopt;
#endif
}

inline sel4::VmAttributes attributes(bool cached, bool executable) noexcept {
    const auto cache = cached ? sel4::VmAttributes::Default : sel4::VmAttributes::ParityEnabled;
    return executable ? cache : static_cast<sel4::VmAttributes>(static_cast<Word>(cache) | static_cast<Word>(sel4::VmAttributes::ExecuteNever));
}

inline bool irq_kind_supported(std::size_t kind) noexcept {
    return kind == sel4::capdl::kind_index<sel4::capdl::object::Irq> ||
           kind == sel4::capdl::kind_index<sel4::capdl::object::ArmIrq>;
}

// words: the IRQ object's words (ArmIrq: trigger, target).
inline sel4::Result<void> get_irq_handler(std::size_t kind, const Word *words, Word irq, sel4::AbsoluteCPtr slot) noexcept {
    if (kind == sel4::capdl::kind_index<sel4::capdl::object::Irq>) return sel4::init::irq_control.get(irq, slot);
#if CPP_SEL4_CONFIG_MAX_NUM_NODES > 1
    return sel4::init::irq_control.get_trigger_core(irq, words[0], slot, words[1]);
#else
    return sel4::init::irq_control.get_trigger(irq, words[0], slot);
#endif
}

inline void set_registers(sel4::gen::UserContext &regs, Word ip, Word sp, const Word *args, std::size_t count) noexcept {
    regs.pc = ip;
    regs.sp = sp;
    Word *const registers[] = {&regs.x0, &regs.x1, &regs.x2, &regs.x3, &regs.x4, &regs.x5, &regs.x6, &regs.x7};
    for (std::size_t n = 0; n < count && n < std::size(registers); ++n) *registers[n] = args[n];
}
inline constexpr std::size_t argument_registers = 8;

// A filled frame that a thread may execute: its instructions reach the instruction cache.
inline sel4::Result<void> after_fill(Word frame, Word size) noexcept {
    return sel4::cap::Page(frame).unify_instruction(0, size);
}

} // namespace capdl_initializer::arch
