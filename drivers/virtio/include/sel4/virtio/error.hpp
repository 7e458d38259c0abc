/// @file
/// What can be wrong with a virtio device, as values: the transport and the virtqueues check
/// everything the device reports and return an Error instead of trusting it.
#pragma once

#include <cstdint>
#include <expected>

namespace sel4::virtio {

/// What went wrong.
enum class ErrorCode : std::uint8_t {
    bad_magic = 1,          ///< MagicValue is not "virt" (0x74726976): no virtio-mmio device here.
    bad_version,            ///< Version is not 2 (a legacy device: run QEMU with force-legacy=false).
    no_device,              ///< DeviceID is 0: an empty slot.
    wrong_device,           ///< DeviceID is another kind of device than the driver's.
    missing_features,       ///< The device does not offer a feature the driver requires.
    features_not_accepted,  ///< FEATURES_OK did not stay set: the device refused the features.
    device_needs_reset,     ///< The device set DEVICE_NEEDS_RESET or FAILED in its status.
    queue_in_use,           ///< QueueReady was already 1 after a reset.
    queue_unavailable,      ///< QueueNumMax is 0: the queue does not exist.
    queue_too_small,        ///< QueueNumMax is smaller than the driver needs.
    dma_too_small,          ///< The DMA memory given does not hold the rings.
    dma_misaligned,         ///< The DMA memory is not aligned for the rings.
    no_descriptors,         ///< The virtqueue has no free descriptors for the chain.
    empty_chain,            ///< A chain of no buffers was added.
    bad_used_id,            ///< A used element names a descriptor that is not the head of a chain in flight.
    bad_used_length,        ///< A used element reports more bytes than the chain's device-writable buffers hold.
    used_ring_overrun,      ///< The used index moved ahead by more than the queue's size.
    config_unstable,        ///< ConfigGeneration kept changing while the configuration was read.
};

/// A sentence for `code`.
constexpr const char *describe(ErrorCode code) noexcept {
    switch (code) {
    case ErrorCode::bad_magic: return "MagicValue is not 0x74726976 (\"virt\")";
    case ErrorCode::bad_version: return "Version is not 2 (a legacy device? use -global virtio-mmio.force-legacy=false)";
    case ErrorCode::no_device: return "DeviceID is 0: no device in this slot";
    case ErrorCode::wrong_device: return "DeviceID is not the driver's device";
    case ErrorCode::missing_features: return "the device does not offer a required feature";
    case ErrorCode::features_not_accepted: return "the device did not keep FEATURES_OK";
    case ErrorCode::device_needs_reset: return "the device reports DEVICE_NEEDS_RESET or FAILED";
    case ErrorCode::queue_in_use: return "the queue is already ready after a reset";
    case ErrorCode::queue_unavailable: return "QueueNumMax is 0: the queue is not available";
    case ErrorCode::queue_too_small: return "QueueNumMax is smaller than the driver needs";
    case ErrorCode::dma_too_small: return "the DMA memory does not hold the virtqueue";
    case ErrorCode::dma_misaligned: return "the DMA memory is misaligned for the virtqueue";
    case ErrorCode::no_descriptors: return "no free descriptors for the chain";
    case ErrorCode::empty_chain: return "a chain needs at least one buffer";
    case ErrorCode::bad_used_id: return "a used element names no chain in flight";
    case ErrorCode::bad_used_length: return "a used element's length exceeds the chain's writable bytes";
    case ErrorCode::used_ring_overrun: return "the used index ran ahead by more than the queue size";
    case ErrorCode::config_unstable: return "ConfigGeneration did not settle";
    }
    return "unknown virtio error";
}

/// An error with the values that show it: what the device reported (`got`) and what the
/// driver expected or allowed (`want`); for a used element whose chain is known, its token.
struct Error {
    ErrorCode code;          ///< What went wrong.
    std::uint64_t got = 0;   ///< The value read from the device (id, length, features, ...).
    std::uint64_t want = 0;  ///< The value or limit the driver expected.
    bool has_token = false;  ///< Whether `token` names the chain of a bad used element.
    std::uint64_t token = 0; ///< The chain's token (its buffers were freed).

    /// A sentence for the code.
    constexpr const char *describe() const noexcept { return virtio::describe(code); }
};

/// A value or an Error.
template <class T> using Result = std::expected<T, Error>;

/// The Error `code` with `got` and `want`, as an unexpected value.
constexpr std::unexpected<Error> fail(ErrorCode code, std::uint64_t got = 0, std::uint64_t want = 0) noexcept {
    return std::unexpected(Error{.code = code, .got = got, .want = want});
}

} // namespace sel4::virtio
