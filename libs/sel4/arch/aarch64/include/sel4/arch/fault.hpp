// The aarch64 fault types beyond the common ones: those of a hypervisor kernel's
// virtual CPUs.
#pragma once

#include <sel4/config.hpp>

#if CPP_SEL4_CONFIG_ARM_HYPERVISOR_SUPPORT
#include <sel4/gen/bitfields.hpp>
#include <sel4/gen/constants.hpp>

#include <cstdint>
#include <optional>

namespace sel4::fault {

struct VgicMaintenance {
    std::uintptr_t idx;
};
struct VcpuFault {
    std::uintptr_t hsr;
};
struct VppiEvent {
    std::uintptr_t irq;
};
#define CPP_SEL4_ARCH_FAULT_TYPES , VgicMaintenance, VcpuFault, VppiEvent

namespace arch {
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
