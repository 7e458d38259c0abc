// Decoding of fault messages: what a fault handler receives on its endpoint when a
// thread faults. The message label is the fault type (seL4_Fault's tag, generated from
// the kernel's .pbf files) and the message registers hold its fields at the indices
// libsel4 names (seL4_VMFault_IP, ...; generated into sel4/gen/constants.hpp).
#pragma once

#include <sel4/arch/fault.hpp>
#include <sel4/config.hpp>
#include <sel4/gen/bitfields.hpp>
#include <sel4/gen/constants.hpp>
#include <sel4/syscalls.hpp>

#include <array>
#include <variant>

namespace sel4::fault {

// The message was not a fault (label NullFault).
struct Null {};

struct CapFault {
    Word ip;
    Word addr;                // the CPtr that failed to resolve
    bool in_recv_phase;       // the fault happened while receiving (the receive slot)
    Word lookup_failure_type; // seL4_LookupFailureType
    Word bits_left;
};

// A syscall number the kernel does not know; mrs holds the arch's registers as
// libsel4 orders them (seL4_UnknownSyscall_*).
struct UnknownSyscall {
    Word fault_ip;
    Word sp;
    Word syscall;
    std::array<Word, gen::UnknownSyscall_Length> mrs;
};

// A CPU exception other than a VM fault (undefined instruction, division by zero...).
struct UserException {
    Word fault_ip;
    Word sp;
    Word number;
    Word code;
};

struct VmFault {
    Word ip;
    Word addr;
    bool prefetch_fault; // an instruction fetch, not a data access
    Word fsr;            // the arch's fault status
};

#if CPP_SEL4_CONFIG_KERNEL_MCS
// A scheduling context ran out of budget.
struct Timeout {
    Word data; // the scheduling context's badge
    Word consumed;
};
#define CPP_SEL4_MCS_FAULT_TYPES , Timeout
#else
#define CPP_SEL4_MCS_FAULT_TYPES
#endif

// A label that is not a fault type of this kernel.
struct Unknown {
    Word label;
};

using Fault = std::variant<Null, CapFault, UnknownSyscall, UserException, VmFault CPP_SEL4_MCS_FAULT_TYPES
                               CPP_SEL4_ARCH_FAULT_TYPES,
                           Unknown>;
#undef CPP_SEL4_MCS_FAULT_TYPES

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
