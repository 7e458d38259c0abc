// What the initializer's aarch64 and riscv64 parts share: frames of three sizes (4 KiB, 2 MiB,
// 1 GiB) and no I/O ports.
#pragma once

#include "arch_interface.hpp"

namespace capdl_initializer::arch {

// The arch's frame objects, smallest first.
inline constexpr sel4::arch::Object frames[] = {sel4::arch::Object::Page, sel4::arch::Object::LargePage,
                                                sel4::arch::Object::HugePage};

// I/O port ranges are x86's.
inline sel4::Result<void> issue_io_ports(Word, Word, sel4::AbsoluteCPtr) noexcept {
    return std::unexpected(sel4::Error::IllegalOperation);
}

} // namespace capdl_initializer::arch
