/// @file
/// The network driver's protocol and the client's side of its queues
/// (virtio_net_driver.elf): sDDF's 2-PD configuration, the driver and one client.
///
/// Four sDDF net queues (sel4::queue::net) of queue_capacity descriptors, each in an MR of
/// queue_region_bytes: rx free and rx active (driver <- client, driver -> client), tx free
/// and tx active. Two data regions of data_region_bytes (buffer_count buffers of
/// buffer_size), `net_rx_data` and `net_tx_data`: descriptors carry *offsets* in them. Only
/// the client maps the data regions; the driver gives the device their physical addresses
/// (setvars rx_data_paddr, tx_data_paddr) and never touches a frame's bytes.
///
/// - Rx: the client puts every rx buffer in rx free at start (Queues::fill_free); the driver
///   hands them to the device and puts each received frame in rx active with its length
///   (without virtio's header); the client returns the buffer to rx free when done.
/// - Tx: the client takes a buffer from tx free, writes a frame (at most buffer_size bytes)
///   and puts it in tx active; the driver sends it and returns the buffer to tx free.
/// - Signalling (sDDF): a producer notifies after a batch only if the consumer asked
///   (Queue::should_notify); a consumer that found a queue empty asks and checks again
///   (Queue::request_signal_if_empty). All notifications are on one channel.
/// - The MAC address: protected call net::GetMac{} -> net::Mac{mac}, on the same channel
///   (pp="true" at the client's end; the driver's priority is the higher).
///
/// A descriptor from the client that is not a whole buffer inside its region, or a tx length
/// of 0 or above buffer_size, is logged by the driver and handed back (rx: in rx active with
/// length 0; tx: in tx free), never given to the device.
///
/// The system description (see drivers/virtio-net/README.md for a full fragment):
///   driver: the virtio-mmio page of its slot, cached="false" (setvar_vaddr "regs_vaddr",
///   setvar_size "regs_size", setvar "regs_paddr"); the four queues (setvar_vaddr
///   "rx_free_vaddr", "rx_active_vaddr", "tx_free_vaddr", "tx_active_vaddr"); setvars
///   "rx_data_paddr", "tx_data_paddr"; its DMA memory `net_driver_dma` of 0x10000
///   ("dma_vaddr", "dma_size", setvar "dma_paddr"); channel 0 the client, channel 1 the IRQ.
#pragma once

#include <sel4/message.hpp>
#include <sel4/queue/net.hpp>
#include <sel4/shared_memory.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>

namespace sel4::drivers::net {

/// The capacity of each of the four queues.
inline constexpr std::uint32_t queue_capacity = 256;
/// The size of each queue's MR (8 + 16 * 256 bytes, rounded up to pages).
inline constexpr std::size_t queue_region_bytes = 0x2000;
/// The size of one buffer (sDDF's NET_BUFFER_SIZE): the most bytes of a frame.
inline constexpr std::size_t buffer_size = sel4::queue::net::buffer_size;
/// The buffers of each data region.
inline constexpr std::uint32_t buffer_count = 256;
/// The size of each data region (`net_rx_data`, `net_tx_data`).
inline constexpr std::size_t data_region_bytes = buffer_size * buffer_count;
/// The size of the driver's DMA memory (`net_driver_dma`).
inline constexpr std::size_t driver_dma_bytes = 0x10000;
/// The driver's channel to its client.
inline constexpr unsigned client_channel = 0;
/// The driver's channel of the device's IRQ.
inline constexpr unsigned irq_channel = 1;

/// Request: the device's MAC address.
struct GetMac {
    static constexpr sel4::message::Word label = 0x6e657401; ///< "net" 1
    static constexpr const char *name = "net::GetMac"; ///< For errors.
    static constexpr auto fields = std::tuple{}; ///< No fields.
};

/// Reply: the MAC address, 6 bytes, the first (the one sent first on the wire) in bits 0..7.
struct Mac {
    static constexpr sel4::message::Word label = 0x6e657402; ///< "net" 2
    static constexpr const char *name = "net::Mac"; ///< For errors.
    std::uint64_t mac = 0; ///< The address.
    static constexpr auto fields = std::tuple{sel4::message::Field{"mac", &Mac::mac}}; ///< Its one field.

    /// Byte `i` (0..5) of the address.
    constexpr std::uint8_t byte(unsigned i) const noexcept { return static_cast<std::uint8_t>(mac >> (8 * i)); }

    /// The address as text, "52:54:00:12:34:56" and a NUL (print it with `.data()`).
    constexpr std::array<char, 18> text() const noexcept {
        constexpr char digits[] = "0123456789abcdef";
        std::array<char, 18> out{};
        for (unsigned i = 0; i < 6; ++i) {
            out[3 * i] = digits[byte(i) >> 4];
            out[3 * i + 1] = digits[byte(i) & 15];
            out[3 * i + 2] = i < 5 ? ':' : '\0';
        }
        return out;
    }
};

/// The driver's requests.
using Requests = sel4::message::Protocol<GetMac>;

/// The client's four queues: rx (free, active) and tx (free, active).
struct Queues {
    sel4::queue::net::QueuePair rx; ///< rx.free: empty buffers to the driver; rx.active: frames from it.
    sel4::queue::net::QueuePair tx; ///< tx.active: frames to send; tx.free: sent buffers back.

    /// The queues in their regions (each of queue_region_bytes at the given address), of
    /// queue_capacity each.
    static sel4::queue::Result<Queues> attach(std::uintptr_t rx_free, std::uintptr_t rx_active, std::uintptr_t tx_free,
                                              std::uintptr_t tx_active) noexcept {
        using sel4::shared_memory::Region;
        auto rx = sel4::queue::net::QueuePair::attach(Region::at_address(rx_free, queue_region_bytes),
                                                      Region::at_address(rx_active, queue_region_bytes), queue_capacity);
        if (!rx)
            return std::unexpected(rx.error());
        auto tx = sel4::queue::net::QueuePair::attach(Region::at_address(tx_free, queue_region_bytes),
                                                      Region::at_address(tx_active, queue_region_bytes), queue_capacity);
        if (!tx)
            return std::unexpected(tx.error());
        return Queues{*rx, *tx};
    }

    /// The client's start: every buffer of both data regions in its free queue (offsets 0,
    /// 2048, ...). Returns whether all went in.
    bool fill_free() const noexcept {
        return rx.fill_free(0, buffer_count) == buffer_count && tx.fill_free(0, buffer_count) == buffer_count;
    }
};

#if __has_include(<sel4/message/microkit.hpp>)
} // namespace sel4::drivers::net
#include <sel4/message/microkit.hpp>
namespace sel4::drivers::net {
/// The MAC address of the driver at the other end of `channel` (a protected call).
inline std::expected<Mac, sel4::message::CallError> get_mac(sel4::microkit::Channel channel) noexcept {
    return sel4::message::call<Mac>(channel, GetMac{});
}
#endif

} // namespace sel4::drivers::net
