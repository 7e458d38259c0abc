#include "fault_report.hpp"

#include "arch.hpp"
#include "output.hpp"
#include "system.hpp"

#include <cstdint>

namespace monitor {

namespace {

std::string_view lookup_failure_name(sel4::Word type) noexcept {
    switch (type) {
    case sel4::gen::NoFailure: return "seL4_NoFailure";
    case sel4::gen::InvalidRoot: return "seL4_InvalidRoot";
    case sel4::gen::MissingCapability: return "seL4_MissingCapability";
    case sel4::gen::DepthMismatch: return "seL4_DepthMismatch";
    case sel4::gen::GuardMismatch: return "seL4_GuardMismatch";
    default: return {};
    }
}

void print_cap_fault(const sel4::fault::CapFault &fault, const FaultMessage &message) noexcept {
    const sel4::Word type = fault.lookup_failure_type;
    sel4::debug::print("MON|ERROR: CapFault: ip={}  fault_addr={}  in_recv_phase={}  lookup_failure_type=",
                       hex64(fault.ip), hex64(fault.addr), fault.in_recv_phase);
    if (const std::string_view name = lookup_failure_name(type); !name.empty())
        sel4::debug::print("{}", name);
    else
        sel4::debug::print("{}", hex64(type));
    // The fields that follow depend on the kind of failure (seL4_CapFault_Msg).
    if (type == sel4::gen::MissingCapability || type == sel4::gen::DepthMismatch || type == sel4::gen::GuardMismatch)
        sel4::debug::print("  bits_left={}", hex64(fault.bits_left));
    if (type == sel4::gen::DepthMismatch)
        sel4::debug::print("  depth_bits_found={}", hex64(message.words[sel4::gen::CapFault_DepthMismatch_BitsFound]));
    if (type == sel4::gen::GuardMismatch)
        sel4::debug::print("  guard_found={}  guard_bits_found={}",
                           hex64(message.words[sel4::gen::CapFault_GuardMismatch_GuardFound]),
                           hex64(message.words[sel4::gen::CapFault_GuardMismatch_BitsFound]));
    sel4::debug::put_char('\n');
}

void print_vm_fault(std::size_t pd, const sel4::fault::VmFault &fault) noexcept {
    error("VMFault: ip={}  fault_addr={}  fsr={}  {}", hex64(fault.ip), hex64(fault.addr), hex64(fault.fsr),
          fault.prefetch_fault ? "(instruction fault)" : "(data fault)");
    arch::print_vm_fault_status(fault);
    const sel4::Word bottom = pd_stack_bottom(pd);
    if (bottom >= stack_guard_bytes && fault.addr < bottom && fault.addr >= bottom - stack_guard_bytes)
        error("potential stack overflow, fault address within one page outside of stack region");
}

void print_fault(std::size_t pd, const FaultMessage &message) noexcept {
    const sel4::fault::Fault &fault = message.fault;
    if (const auto *cap = std::get_if<sel4::fault::CapFault>(&fault)) {
        print_cap_fault(*cap, message);
    } else if (const auto *vm = std::get_if<sel4::fault::VmFault>(&fault)) {
        print_vm_fault(pd, *vm);
    } else if (const auto *syscall = std::get_if<sel4::fault::UnknownSyscall>(&fault)) {
        error("UnknownSyscall: ip={}  sp={}  syscall={}", hex64(syscall->fault_ip), hex64(syscall->sp),
              static_cast<std::intptr_t>(syscall->syscall));
    } else if (const auto *exception = std::get_if<sel4::fault::UserException>(&fault)) {
        error("UserException: ip={}  sp={}  number={}  code={}", hex64(exception->fault_ip), hex64(exception->sp),
              hex64(exception->number), hex64(exception->code));
        error("description of exception: {}", arch::user_exception_name(*exception));
    } else if (const auto *timeout = std::get_if<sel4::fault::Timeout>(&fault)) {
        error("Timeout: data={}  consumed={} us", hex64(timeout->data), timeout->consumed);
    } else if (const auto *unknown = std::get_if<sel4::fault::Unknown>(&fault)) {
        // The bindings do not decode a DebugException.
        if (!print_debug_exception(unknown->label, message.words))
            error("Unknown fault: label={}", hex32(unknown->label));
    } else if (!arch::print_arch_fault(fault)) {
        error("Unknown fault: label={}", hex32(message.info.label()));
    }
}

} // namespace

FaultMessage take_fault_message(sel4::MessageInfo info, const sel4::IpcBuffer &ipc) noexcept {
    FaultMessage message{info, sel4::fault::decode(info, ipc), {}};
    for (std::size_t i = 0; i < message.words.size(); ++i)
        message.words[i] = ipc.msg[i];
    return message;
}

void report_fault(std::size_t pd, sel4::Word badge, const FaultMessage &message) noexcept {
    const sel4::cap::Tcb tcb(slot::pd_tcb + pd);
    error("received message {}  badge: {}  tcb cap: {}", hex32(message.info.label()), hex64(badge), hex64(tcb.cptr()));
    error("faulting PD: {}", pd_name(pd));
    // The invocation's reply overwrites the message registers: the fault was taken out before.
    constexpr sel4::Word register_count = sizeof(sel4::gen::UserContext) / sizeof(sel4::Word);
    if (const auto registers = tcb.read_registers(false, 0, register_count)) {
        error("Registers:");
        for (const arch::Register &r : arch::registers())
            error("  {} : {}", r.name, hex64((*registers).*r.field));
    } else {
        error("could not read the registers of PD '{}': {}", pd_name(pd), error_name(registers.error()));
    }
    print_fault(pd, message);
}

} // namespace monitor
