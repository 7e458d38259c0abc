// aarch64: a fault's status is the ESR (the exception syndrome: its class in bits 31..26, the
// instruction length in bit 25, the class's syndrome in bits 24..0); a hypervisor kernel adds
// the vCPU faults, through which a native thread's traps other than aborts arrive as well.
#include "arch.hpp"
#include "output.hpp"

#include <cstdint>

namespace monitor::arch {

namespace {

using sel4::gen::UserContext;

// seL4_UserContext's order.
constexpr Register register_table[] = {
    {"pc", &UserContext::pc},       {"sp", &UserContext::sp},       {"spsr", &UserContext::spsr},
    {"x0", &UserContext::x0},       {"x1", &UserContext::x1},       {"x2", &UserContext::x2},
    {"x3", &UserContext::x3},       {"x4", &UserContext::x4},       {"x5", &UserContext::x5},
    {"x6", &UserContext::x6},       {"x7", &UserContext::x7},       {"x8", &UserContext::x8},
    {"x16", &UserContext::x16},     {"x17", &UserContext::x17},     {"x18", &UserContext::x18},
    {"x29", &UserContext::x29},     {"x30", &UserContext::x30},     {"x9", &UserContext::x9},
    {"x10", &UserContext::x10},     {"x11", &UserContext::x11},     {"x12", &UserContext::x12},
    {"x13", &UserContext::x13},     {"x14", &UserContext::x14},     {"x15", &UserContext::x15},
    {"x19", &UserContext::x19},     {"x20", &UserContext::x20},     {"x21", &UserContext::x21},
    {"x22", &UserContext::x22},     {"x23", &UserContext::x23},     {"x24", &UserContext::x24},
    {"x25", &UserContext::x25},     {"x26", &UserContext::x26},     {"x27", &UserContext::x27},
    {"x28", &UserContext::x28},     {"tpidr_el0", &UserContext::tpidr_el0},
    {"tpidrro_el0", &UserContext::tpidrro_el0},
};
static_assert(std::size(register_table) == sizeof(UserContext) / sizeof(sel4::Word), "every register, once");

constexpr unsigned ec_of(sel4::Word esr) noexcept { return static_cast<unsigned>((esr >> 26) & 0x3f); }
constexpr sel4::Word iss_of(sel4::Word esr) noexcept { return esr & 0x1ffffff; }

// The exception classes (ESR_ELx.EC) that a user thread can cause.
constexpr unsigned ec_instruction_abort = 0x20; // from a lower exception level
constexpr unsigned ec_data_abort = 0x24;        // from a lower exception level
constexpr unsigned ec_brk = 0x3c;

std::string_view exception_class_name(unsigned ec) noexcept {
    switch (ec) {
    case 0x00: return "Unknown reason";
    case 0x01: return "Trapped WFI or WFE instruction";
    case 0x03: return "Trapped MCR or MRC access (coproc 0b1111)";
    case 0x04: return "Trapped MCRR or MRRC access (coproc 0b1111)";
    case 0x05: return "Trapped MCR or MRC access (coproc 0b1110)";
    case 0x06: return "Trapped LDC or STC access";
    case 0x07: return "Trapped access to SVE, Advanced SIMD or floating-point functionality";
    case 0x0c: return "Trapped MRRC access (coproc 0b1110)";
    case 0x0d: return "Branch Target Exception";
    case 0x0e: return "Illegal Execution state";
    case 0x11: return "SVC instruction in AArch32 state";
    case 0x15: return "SVC instruction in AArch64 state";
    case 0x16: return "HVC instruction in AArch64 state";
    case 0x17: return "SMC instruction in AArch64 state";
    case 0x18: return "Trapped MSR, MRS or System instruction in AArch64 state";
    case 0x19: return "Trapped access to SVE functionality";
    case 0x1c: return "Pointer Authentication failure";
    case 0x20: return "Instruction Abort from a lower Exception level";
    case 0x21: return "Instruction Abort without a change in Exception level";
    case 0x22: return "PC alignment fault";
    case 0x24: return "Data Abort from a lower Exception level";
    case 0x25: return "Data Abort without a change in Exception level";
    case 0x26: return "SP alignment fault";
    case 0x28: return "Trapped floating-point exception in AArch32 state";
    case 0x2c: return "Trapped floating-point exception in AArch64 state";
    case 0x2f: return "SError interrupt";
    case 0x30: return "Breakpoint from a lower Exception level";
    case 0x31: return "Breakpoint without a change in Exception level";
    case 0x32: return "Software Step from a lower Exception level";
    case 0x33: return "Software Step without a change in Exception level";
    case 0x34: return "Watchpoint from a lower Exception level";
    case 0x35: return "Watchpoint without a change in Exception level";
    case 0x38: return "BKPT instruction in AArch32 state";
    case 0x3c: return "BRK instruction in AArch64 state";
    default: return "<invalid EC>";
    }
}

// An abort's fault status code (DFSC, IFSC: the ISS's bits 5..0). The codes of the faults that
// happen at a level of the table walk come in runs of four, level 0 first.
struct FaultStatusRun {
    unsigned first;
    unsigned last;
    unsigned first_level;
    std::string_view name;
};
constexpr FaultStatusRun fault_status_runs[] = {
    {0x00, 0x03, 0, "address size fault"},
    {0x04, 0x07, 0, "translation fault"},
    {0x08, 0x0b, 0, "access flag fault"},
    {0x0c, 0x0f, 0, "permission fault"},
    {0x14, 0x17, 0, "synchronous external abort on a table walk"},
    {0x1c, 0x1f, 0, "synchronous parity or ECC error on a table walk"},
};

void print_fault_status(std::string_view field, unsigned code, sel4::Word iss, bool data) noexcept {
    sel4::debug::print("MON|ERROR:   {} = ", field);
    bool named = false;
    for (const FaultStatusRun &run : fault_status_runs) {
        if (code >= run.first && code <= run.last) {
            sel4::debug::print("{}, level {}", run.name, run.first_level + (code - run.first));
            named = true;
        }
    }
    if (!named) {
        switch (code) {
        case 0x10: sel4::debug::print("synchronous external abort"); break;
        case 0x11: sel4::debug::print("synchronous tag check fault"); break;
        case 0x18: sel4::debug::print("synchronous parity or ECC error"); break;
        case 0x21: sel4::debug::print("alignment fault"); break;
        case 0x30: sel4::debug::print("TLB conflict abort"); break;
        case 0x31: sel4::debug::print("unsupported atomic hardware update fault"); break;
        default: sel4::debug::print("<unexpected fault status>"); break;
        }
    }
    sel4::debug::print(" ({})", hex32(code));
    if ((iss >> 9) & 1)
        sel4::debug::print(" -- external abort");
    if (data && ((iss >> 8) & 1))
        sel4::debug::print(" -- cache maintenance");
    if ((iss >> 7) & 1)
        sel4::debug::print(" -- stage 2 fault on the stage 1 table walk");
    if (data && ((iss >> 6) & 1))
        sel4::debug::print(" -- write not read");
    sel4::debug::put_char('\n');
}

// `MON|ERROR:   ec: ...  il: ...  iss: ...`, as Microkit's monitor prints an ESR.
void print_syndrome(sel4::Word esr) noexcept {
    error("  ec: {}  {}   il: {}   iss: {}", hex32(ec_of(esr)), exception_class_name(ec_of(esr)), (esr >> 25) & 1,
          hex32(iss_of(esr)));
}

#if CPP_SEL4_CONFIG_ARM_HYPERVISOR_SUPPORT
// Clang's -fsanitize-trap on aarch64 traps with `brk 0x55XX`, XX the check that failed, in the
// numbering of Clang's SanitizerHandler (LLVM 16), as Microkit's monitor decodes it.
constexpr sel4::Word ubsan_brk_kind_mask = 0xff00; // the immediate's high byte: 0x55 for UBSAN
constexpr sel4::Word ubsan_brk_kind = 0x5500;
constexpr sel4::Word ubsan_brk_check_mask = 0x00ff; // its low byte: the check
constexpr std::string_view ubsan_checks[] = {
    "add overflow",          "builtin unreachable",     "control-flow-integrity check fail",
    "division remainder overflow", "dynamic type cache miss", "float cast overflow",
    "function type mismatch", "implicit conversion",    "invalid builtin",
    "invalid objc cast",     "load invalid value",      "missing return",
    "multiplication overflow", "negate overflow",       "nullability argument",
    "nullability return",    "non-null argument",       "non-null return",
    "out of bounds access",  "pointer overflow",        "shift out of bounds",
    "subtraction overflow",  "type mismatch",           "alignment assumption",
    "variable-length-array bound not positive",
};

void print_vcpu_fault(const sel4::fault::VcpuFault &fault) noexcept {
    const sel4::Word esr = fault.hsr;
    error("received vCPU fault with ESR: {}", hex64(esr));
    print_syndrome(esr);
    const sel4::Word immediate = esr & 0xffff; // a BRK's immediate
    if (ec_of(esr) == ec_brk && (immediate & ubsan_brk_kind_mask) == ubsan_brk_kind) {
        const sel4::Word check = immediate & ubsan_brk_check_mask;
        error("potential undefined behaviour detected by UBSAN for: '{}'",
              check < std::size(ubsan_checks) ? ubsan_checks[check] : std::string_view("unknown reason"));
    }
}
#endif

} // namespace

std::span<const Register> registers() noexcept { return register_table; }

void print_vm_fault_status(const sel4::fault::VmFault &fault) noexcept {
    print_syndrome(fault.fsr);
    const unsigned ec = ec_of(fault.fsr);
    const sel4::Word iss = iss_of(fault.fsr);
    if (ec == ec_data_abort)
        print_fault_status("dfsc", static_cast<unsigned>(iss & 0x3f), iss, true);
    else if (ec == ec_instruction_abort)
        print_fault_status("ifsc", static_cast<unsigned>(iss & 0x3f), iss, false);
}

// seL4 reports an undefined instruction with the ESR as the exception's number.
std::string_view user_exception_name(const sel4::fault::UserException &fault) noexcept {
    return exception_class_name(ec_of(fault.number));
}

bool print_arch_fault(const sel4::fault::Fault &fault) noexcept {
#if CPP_SEL4_CONFIG_ARM_HYPERVISOR_SUPPORT
    if (const auto *vcpu = std::get_if<sel4::fault::VcpuFault>(&fault)) {
        print_vcpu_fault(*vcpu);
        return true;
    }
    if (const auto *vgic = std::get_if<sel4::fault::VgicMaintenance>(&fault)) {
        error("VGICMaintenance: idx={}", hex64(vgic->idx));
        return true;
    }
    if (const auto *vppi = std::get_if<sel4::fault::VppiEvent>(&fault)) {
        error("VPPIEvent: irq={}", hex64(vppi->irq));
        return true;
    }
#endif
    (void)fault;
    return false;
}

} // namespace monitor::arch
