/// @file
/// The aarch64 fault types beyond the common ones: those of a hypervisor kernel's
/// virtual CPUs.
#pragma once

#include <sel4/config.hpp>

#if CPP_SEL4_CONFIG_ARM_HYPERVISOR_SUPPORT
#include <sel4/gen/bitfields.hpp>
#include <sel4/gen/constants.hpp>

#include <cstdint>
#include <optional>

namespace sel4::fault {

/// A guest completed a virtual interrupt that asked for maintenance.
struct VgicMaintenance {
    std::uintptr_t idx; ///< The index of the interrupt's list register.
};
/// A guest executed an instruction that traps to the hypervisor.
struct VcpuFault {
    std::uintptr_t hsr; ///< Its syndrome (HSR, ESR_EL2).
};
/// A virtual private peripheral interrupt of a VCPU fired (the virtual timer's).
struct VppiEvent {
    std::uintptr_t irq; ///< The interrupt's number.
};
/// The arch's alternatives of Fault, each after a comma.
#define CPP_SEL4_ARCH_FAULT_TYPES , VgicMaintenance, VcpuFault, VppiEvent

/// The decoding of the arch's fault types.
namespace arch {
/// The arch fault that a message with label `label` and message registers `mr` reports,
/// as a `Fault`; nullopt if `label` is not one of the arch's faults.
template <class Fault> std::optional<Fault> decode(std::uintptr_t label, const std::uintptr_t *mr) noexcept {
    using Tag = gen::seL4_Fault::Tag;
    switch (static_cast<Tag>(label)) {
    case Tag::VGICMaintenance:
        return VgicMaintenance{mr[gen::VGICMaintenance_IDX]};
    case Tag::VCPUFault:
        return VcpuFault{mr[gen::VCPUFault_HSR]};
    case Tag::VPPIEvent:
        return VppiEvent{mr[gen::VPPIEvent_IRQ]};
    default:
        return std::nullopt;
    }
}
} // namespace arch

} // namespace sel4::fault
#else
#include <sel4/detail/no_arch_faults.hpp>
#endif
