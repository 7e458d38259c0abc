// What each arch (arch/<arch>/arch.cpp) adds to a fault report: its registers, its decoding of
// a VM fault's status and of a user exception's number, and its own fault types.
#pragma once

#include <sel4/sel4.hpp>

#include <span>
#include <string_view>

namespace monitor::arch {

/// A register of the arch's seL4_UserContext, by its name.
struct Register {
    std::string_view name;
    sel4::Word sel4::gen::UserContext::*field;
};

/// The registers a report shows, in the order it shows them.
std::span<const Register> registers() noexcept;

/// Prints what the arch's fault status of `fault` (ESR, scause, the page-fault error code)
/// says, after the VMFault line.
void print_vm_fault_status(const sel4::fault::VmFault &fault) noexcept;

/// What the arch's exception number of `fault` names (aarch64: the ESR's class, riscv64: the
/// scause, x86_64: the vector).
std::string_view user_exception_name(const sel4::fault::UserException &fault) noexcept;

/// Prints `fault` if it is one of the arch's own fault types (the vCPU faults on aarch64 with
/// the hypervisor); false if it is not one.
bool print_arch_fault(const sel4::fault::Fault &fault) noexcept;

} // namespace monitor::arch
