// x86_64: a VM fault's status is the page fault's error code; a user exception's number is
// the exception's vector and its code the error code the CPU pushed (0 for most).
#include "arch.hpp"
#include "output.hpp"

namespace monitor::arch {

namespace {

using sel4::gen::UserContext;

// seL4_UserContext's order.
constexpr Register register_table[] = {
    {"rip", &UserContext::rip}, {"rsp", &UserContext::rsp}, {"rflags", &UserContext::rflags},
    {"rax", &UserContext::rax}, {"rbx", &UserContext::rbx}, {"rcx", &UserContext::rcx},
    {"rdx", &UserContext::rdx}, {"rsi", &UserContext::rsi}, {"rdi", &UserContext::rdi},
    {"rbp", &UserContext::rbp}, {"r8", &UserContext::r8},   {"r9", &UserContext::r9},
    {"r10", &UserContext::r10}, {"r11", &UserContext::r11}, {"r12", &UserContext::r12},
    {"r13", &UserContext::r13}, {"r14", &UserContext::r14}, {"r15", &UserContext::r15},
    {"fs_base", &UserContext::fs_base}, {"gs_base", &UserContext::gs_base},
};
static_assert(std::size(register_table) == sizeof(UserContext) / sizeof(sel4::Word), "every register, once");

// The page-fault error code's bits.
constexpr sel4::Word pf_present = 1 << 0;  // a protection violation, not a missing page
constexpr sel4::Word pf_write = 1 << 1;
constexpr sel4::Word pf_user = 1 << 2;
constexpr sel4::Word pf_reserved = 1 << 3; // a reserved bit set in a paging entry
constexpr sel4::Word pf_fetch = 1 << 4;    // an instruction fetch (with NX, which seL4 does not set)

std::string_view vector_name(sel4::Word vector) noexcept {
    switch (vector) {
    case 0: return "Divide Error (#DE)";
    case 1: return "Debug (#DB)";
    case 2: return "Non-maskable interrupt";
    case 3: return "Breakpoint (#BP)";
    case 4: return "Overflow (#OF)";
    case 5: return "BOUND Range Exceeded (#BR)";
    case 6: return "Invalid Opcode (#UD)";
    case 7: return "Device Not Available (#NM)";
    case 8: return "Double Fault (#DF)";
    case 10: return "Invalid TSS (#TS)";
    case 11: return "Segment Not Present (#NP)";
    case 12: return "Stack-Segment Fault (#SS)";
    case 13: return "General Protection (#GP)";
    case 14: return "Page Fault (#PF)";
    case 16: return "x87 Floating-Point Error (#MF)";
    case 17: return "Alignment Check (#AC)";
    case 18: return "Machine Check (#MC)";
    case 19: return "SIMD Floating-Point Exception (#XM)";
    case 20: return "Virtualization Exception (#VE)";
    case 21: return "Control Protection Exception (#CP)";
    default: return "<unexpected vector>";
    }
}

} // namespace

std::span<const Register> registers() noexcept { return register_table; }

void print_vm_fault_status(const sel4::fault::VmFault &fault) noexcept {
    const sel4::Word code = fault.fsr;
    const std::string_view access = (code & pf_fetch) ? "instruction fetch" : (code & pf_write) ? "write" : "read";
    if (code & pf_present)
        sel4::debug::print("MON|ERROR: description of fault: page-protection violation from {}", access);
    else
        sel4::debug::print("MON|ERROR: description of fault: {} to a non-present page", access);
    sel4::debug::print(" at ring {}", (code & pf_user) ? 3 : 0);
    if (code & pf_reserved)
        sel4::debug::print(" -- reserved bit set in a paging entry");
    sel4::debug::put_char('\n');
}

std::string_view user_exception_name(const sel4::fault::UserException &fault) noexcept {
    return vector_name(fault.number);
}

bool print_arch_fault(const sel4::fault::Fault &) noexcept { return false; }

} // namespace monitor::arch
