// riscv64: a fault's status is the scause the kernel saw; a user exception's number is the
// scause too.
#include "arch.hpp"
#include "output.hpp"

namespace monitor::arch {

namespace {

using sel4::gen::UserContext;

// seL4_UserContext's order.
constexpr Register register_table[] = {
    {"pc", &UserContext::pc},   {"ra", &UserContext::ra},   {"sp", &UserContext::sp},   {"gp", &UserContext::gp},
    {"s0", &UserContext::s0},   {"s1", &UserContext::s1},   {"s2", &UserContext::s2},   {"s3", &UserContext::s3},
    {"s4", &UserContext::s4},   {"s5", &UserContext::s5},   {"s6", &UserContext::s6},   {"s7", &UserContext::s7},
    {"s8", &UserContext::s8},   {"s9", &UserContext::s9},   {"s10", &UserContext::s10}, {"s11", &UserContext::s11},
    {"a0", &UserContext::a0},   {"a1", &UserContext::a1},   {"a2", &UserContext::a2},   {"a3", &UserContext::a3},
    {"a4", &UserContext::a4},   {"a5", &UserContext::a5},   {"a6", &UserContext::a6},   {"a7", &UserContext::a7},
    {"t0", &UserContext::t0},   {"t1", &UserContext::t1},   {"t2", &UserContext::t2},   {"t3", &UserContext::t3},
    {"t4", &UserContext::t4},   {"t5", &UserContext::t5},   {"t6", &UserContext::t6},   {"tp", &UserContext::tp},
};
static_assert(std::size(register_table) == sizeof(UserContext) / sizeof(sel4::Word), "every register, once");

// The exception codes of scause (its interrupt bit clear), per the privileged specification.
std::string_view scause_name(sel4::Word scause) noexcept {
    switch (scause) {
    case 0: return "Instruction address misaligned";
    case 1: return "Instruction access fault";
    case 2: return "Illegal instruction";
    case 3: return "Breakpoint";
    case 4: return "Load address misaligned";
    case 5: return "Load access fault";
    case 6: return "Store/AMO address misaligned";
    case 7: return "Store/AMO access fault";
    case 8: return "Environment call from U-mode";
    case 9: return "Environment call from S-mode";
    case 12: return "Instruction page fault";
    case 13: return "Load page fault";
    case 15: return "Store/AMO page fault";
    case 18: return "Software check";
    case 19: return "Hardware error";
    default: return "<Unexpected FSR>";
    }
}

} // namespace

std::span<const Register> registers() noexcept { return register_table; }

void print_vm_fault_status(const sel4::fault::VmFault &fault) noexcept {
    error("description of fault: {}", scause_name(fault.fsr));
}

std::string_view user_exception_name(const sel4::fault::UserException &fault) noexcept {
    return scause_name(fault.number);
}

bool print_arch_fault(const sel4::fault::Fault &) noexcept { return false; }

} // namespace monitor::arch
