/// @file
/// The start every virtio driver PD of drivers/virtio-* shares: the setvars of its device
/// register region and its DMA region (the names drivers/systems.cmake writes), finding its
/// device among the virtio-mmio slots of the register region, the feature handshake and
/// DRIVER_OK, each logged, and the form of the log line for an Error.
///
/// Include it in one translation unit of the PD (the one with the entry points): it defines
/// the setvar symbols the Microkit tool patches by name.
/// @code
/// std::optional<sel4::virtio::driver::Device> transport;
/// auto *device = sel4::virtio::driver::find_device(transport, sel4::virtio::DeviceType::entropy, "virtio-rng");
/// if (device == nullptr) return false;                      // logged
/// auto features = sel4::virtio::driver::negotiate(*device, 0);
/// // ... queues in sel4::virtio::driver::dma() ...
/// if (!features || !sel4::virtio::driver::driver_ok(*device)) return false;
/// @endcode
#pragma once

#include <sel4/log.hpp>
#include <sel4/microkit.hpp>
#include <sel4/virtio.hpp>

#include <cstdint>
#include <optional>

/// The device register region (the page of the device's virtio-mmio slot, or more).
SEL4_MICROKIT_VARIABLE(regs_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(regs_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(regs_paddr, sel4::Word)
/// The driver's DMA memory (the virtqueues and whatever else the device reads or writes).
SEL4_MICROKIT_VARIABLE(dma_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(dma_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(dma_paddr, sel4::Word)

namespace sel4::virtio::driver {

/// The transport of a virtio-mmio device.
using Device = Transport<MmioBus>;

/// Logs that `what` failed with `error` (what the device reported, what was expected).
inline void log_error(const char *what, const Error &error) noexcept {
    sel4::log::error("{}: {} (device reported {:#x}, expected {:#x})", what, error.describe(), error.got, error.want);
}

/// The first device of `type` in the register region, put into `transport` and logged
/// ("`name` at <its physical address> (vendor <id>)"); nullptr, logged, when there is none.
inline Device *find_device(std::optional<Device> &transport, DeviceType type, const char *name) noexcept {
    auto slot = find_slot(regs_vaddr.get(), regs_size.get(), type);
    if (!slot) {
        sel4::log::error("no {} device in the register region: {} (device reported {:#x}, expected {:#x})", name,
                         slot.error().describe(), slot.error().got, slot.error().want);
        return nullptr;
    }
    Device &device = transport.emplace(MmioBus(slot->vaddr));
    sel4::log::info("{} at {:#x} (vendor {:#x})", name, regs_paddr.get() + slot->offset, device.vendor_id());
    return &device;
}

/// The handshake up to FEATURES_OK with the offered ones of `wanted` and VIRTIO_F_VERSION_1
/// (required); the features offered and taken are logged. Empty, logged, on an error (the
/// device is then marked FAILED).
inline std::optional<std::uint64_t> negotiate(Device &device, std::uint64_t wanted) noexcept {
    std::uint64_t offered = 0;
    auto features = device.negotiate(wanted, feature::bit(feature::version_1), &offered);
    if (!features) {
        log_error("feature negotiation", features.error());
        return std::nullopt;
    }
    sel4::log::info("features offered {:#x}, taken {:#x}", offered, *features);
    return *features;
}

/// Places `queue` of `size` descriptors in `rings` (DMA memory, e.g. from dma()); false,
/// logged as `what`, when it does not fit there (the device is then marked FAILED).
template <class Q>
bool attach_queue(Device &device, Q &queue, DmaRegion rings, std::uint16_t size, const char *what) noexcept {
    if (auto attached = queue.attach(rings, size); !attached) {
        log_error(what, attached.error());
        device.mark_failed();
        return false;
    }
    return true;
}

/// Sets up queue `index` for `queue` (after negotiate()); false, logged as `what`, when the
/// device refuses it (the device is then marked FAILED).
template <SetupQueue Q>
bool setup_queue(Device &device, std::uint32_t index, const Q &queue, const char *what) noexcept {
    if (auto set = device.setup_queue(index, queue); !set) {
        log_error(what, set.error());
        return false;
    }
    return true;
}

/// Sets DRIVER_OK; false, logged, when the device does not take it.
inline bool driver_ok(Device &device) noexcept {
    if (auto ok = device.driver_ok(); !ok) {
        log_error("DRIVER_OK", ok.error());
        return false;
    }
    return true;
}

/// The driver's DMA memory, to take the queues and buffers from.
inline DmaArena dma() noexcept { return DmaArena(dma_vaddr.get(), dma_paddr.get(), dma_size.get()); }

} // namespace sel4::virtio::driver
