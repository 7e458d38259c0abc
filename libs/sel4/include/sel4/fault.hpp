/// @file
/// Decoding of fault messages: what a fault handler receives on its endpoint when a
/// thread faults. The message label is the fault type (seL4_Fault's tag, generated from
/// the kernel's .pbf files) and the message registers hold its fields at the indices
/// libsel4 names (seL4_VMFault_IP, ...; generated into sel4/gen/constants.hpp).
#pragma once

#include <sel4/arch/fault.hpp>
#include <sel4/config.hpp>
#include <sel4/gen/bitfields.hpp>
#include <sel4/gen/constants.hpp>
#include <sel4/syscalls.hpp>

#include <array>
#include <variant>

/// The faults a fault handler receives, one type per kind, and their decoding.
///
/// A thread's faults go to its fault handler's endpoint (set with TCB_Configure or
/// TCB_SetSpace; on MCS with TCB_SetSchedParams, and TCB_SetTimeoutEndpoint for timeouts)
/// as a Call: the handler receives the fault message, and the faulting thread waits until
/// the handler replies (after fixing the cause, for a fault it can recover from), then
/// resumes.
namespace sel4::fault {

/// The message was not a fault (label NullFault).
struct Null {};

/// A capability that did not resolve: the thread invoked or received on a CPtr that names
/// no capability it can use.
struct CapFault {
    Word ip;                  ///< The address of the system call's instruction.
    Word addr;                ///< The CPtr that failed to resolve.
    bool in_recv_phase;       ///< True if the CPtr was a receive's, false if a send's or an invocation's.
    Word lookup_failure_type; ///< Why it failed (seL4_LookupFailureType: 1 invalid root, 2 missing capability, 3 depth mismatch, 4 guard mismatch).
    Word bits_left;           ///< The bits of the CPtr not yet resolved when the lookup failed.
};

/// A system call number the kernel does not know. The handler's reply may set the
/// registers (seL4_UnknownSyscall_*), to emulate the call.
struct UnknownSyscall {
    Word fault_ip; ///< The address of the system call's instruction.
    Word sp;       ///< The stack pointer.
    Word syscall;  ///< The unknown number.
    /// The fault message's registers: the thread's registers in libsel4's order, at the
    /// indices gen::UnknownSyscall_* name.
    std::array<Word, gen::UnknownSyscall_Length> mrs;
};

/// A CPU exception other than a VM fault (undefined instruction, division by zero...).
struct UserException {
    Word fault_ip; ///< The address of the faulting instruction.
    Word sp;       ///< The stack pointer.
    Word number;   ///< The arch's exception number.
    Word code;     ///< The arch's code for it.
};

/// An access to an address that the thread's VSpace does not map, or maps without the
/// right for the access.
struct VmFault {
    Word ip;             ///< The address of the faulting instruction.
    Word addr;           ///< The address accessed.
    bool prefetch_fault; ///< An instruction fetch, not a data access.
    Word fsr;            ///< The arch's fault status (ESR on aarch64, scause on riscv64, the page-fault error code on x86_64).
};

#if CPP_SEL4_CONFIG_KERNEL_MCS
/// A scheduling context ran out of budget, and its thread has a timeout endpoint.
struct Timeout {
    Word data;     ///< The badge SchedControl_Configure gave the scheduling context.
    Word consumed; ///< The time it consumed since that was last reported, in microseconds.
};
#define CPP_SEL4_MCS_FAULT_TYPES , Timeout ///< The MCS alternatives of Fault (undefined after it).
#else
#define CPP_SEL4_MCS_FAULT_TYPES ///< The MCS alternatives of Fault (undefined after it).
#endif

/// A label that is not a fault type of this kernel.
struct Unknown {
    Word label; ///< The message's label.
};

/// Any fault of this kernel and arch (with MCS, Timeout; with Arm hypervisor support, the
/// virtual CPU faults), or Null, or Unknown.
using Fault = std::variant<Null, CapFault, UnknownSyscall, UserException, VmFault CPP_SEL4_MCS_FAULT_TYPES
                               CPP_SEL4_ARCH_FAULT_TYPES,
                           Unknown>;
#undef CPP_SEL4_MCS_FAULT_TYPES

/// The fault that the message `info`, with its registers in `ipc`, reports.
///
/// @pre `info` and `ipc` are those of a message received on a fault endpoint, before
///      anything overwrote the message registers.
inline Fault decode(MessageInfo info, const IpcBuffer &ipc) noexcept {
    using Tag = gen::seL4_Fault::Tag;
    const Word *mr = ipc.msg;
    switch (static_cast<Tag>(info.label())) {
    case Tag::NullFault:
        return Null{};
    case Tag::CapFault:
        return CapFault{mr[gen::CapFault_IP], mr[gen::CapFault_Addr], mr[gen::CapFault_InRecvPhase] != 0,
                        mr[gen::CapFault_LookupFailureType], mr[gen::CapFault_BitsLeft]};
    case Tag::UnknownSyscall: {
        UnknownSyscall fault{mr[gen::UnknownSyscall_FaultIP], mr[gen::UnknownSyscall_SP],
                             mr[gen::UnknownSyscall_Syscall], {}};
        for (Word i = 0; i < fault.mrs.size(); ++i)
            fault.mrs[i] = mr[i];
        return fault;
    }
    case Tag::UserException:
        return UserException{mr[gen::UserException_FaultIP], mr[gen::UserException_SP],
                             mr[gen::UserException_Number], mr[gen::UserException_Code]};
    case Tag::VMFault:
        return VmFault{mr[gen::VMFault_IP], mr[gen::VMFault_Addr], mr[gen::VMFault_PrefetchFault] != 0,
                       mr[gen::VMFault_FSR]};
#if CPP_SEL4_CONFIG_KERNEL_MCS
    case Tag::Timeout:
        return Timeout{mr[gen::Timeout_Data], mr[gen::Timeout_Consumed]};
#endif
    default:
        break;
    }
    if (auto fault = arch::decode<Fault>(info.label(), mr))
        return *fault;
    return Unknown{info.label()};
}

} // namespace sel4::fault
