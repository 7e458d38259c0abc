/// @file
/// The entropy driver's protocol and client (virtio_rng_driver.elf). The driver keeps a pool
/// of bytes from a virtio-rng device; a protected call `rng::Read{max}` takes up to
/// min(max, 48) of them, answered with `rng::Bytes{count, bytes}` (count 0 when the pool is
/// empty: the driver then notifies the client's channel once it has refilled).
///
/// ```cpp
/// sel4::drivers::rng::Client rng(sel4::microkit::Channel(3));  // pp="true" on this end
/// std::array<std::byte, 32> key;
/// auto given = rng.read(key);          // expected<size_t, CallError>: bytes given (may be fewer)
/// // fewer than asked: wait for the driver's notification on the channel, then read again
/// ```
///
/// The system description, for the driver: the virtio-mmio page of its slot (setvar_vaddr
/// "regs_vaddr", setvar_size "regs_size", `<setvar symbol="regs_paddr" region_paddr=...>`,
/// cached="false"; the driver takes the first virtio-rng device there), its DMA memory (an
/// MR of 0x2000: "dma_vaddr", "dma_size", `<setvar symbol="dma_paddr" region_paddr=...>`),
/// the device's IRQ on channel 1, the client on channel 0 (pp="true" at the client's end),
/// a priority above the client's.
#pragma once

#include <sel4/message.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <tuple>
#if __has_include(<sel4/message/microkit.hpp>)
#include <sel4/message/microkit.hpp>
#endif

namespace sel4::drivers::rng {

/// The most bytes one Bytes reply carries (six message registers).
inline constexpr std::size_t max_bytes = 48;

/// Request: up to `max` bytes of entropy.
struct Read {
    static constexpr sel4::message::Word label = 0x726e6701; ///< "rng" 1
    static constexpr const char *name = "rng::Read"; ///< For errors.
    std::uint32_t max = 0; ///< The most bytes wanted (more than max_bytes gives max_bytes).
    static constexpr auto fields = std::tuple{sel4::message::Field{"max", &Read::max}}; ///< Its one field.
};

/// Reply: `count` bytes of entropy, the first `count` of `bytes` (the rest zero).
struct Bytes {
    static constexpr sel4::message::Word label = 0x726e6702; ///< "rng" 2
    static constexpr const char *name = "rng::Bytes"; ///< For errors.
    std::uint32_t count = 0;                  ///< How many bytes are given; 0: the pool is empty.
    std::array<std::uint8_t, max_bytes> bytes{}; ///< The bytes.
    /// Its two fields.
    static constexpr auto fields =
        std::tuple{sel4::message::Field{"count", &Bytes::count}, sel4::message::Field{"bytes", &Bytes::bytes}};
};

/// The driver's requests.
using Requests = sel4::message::Protocol<Read>;

/// The driver's channel to its client.
inline constexpr unsigned client_channel = 0;
/// The driver's channel of the device's IRQ.
inline constexpr unsigned irq_channel = 1;

#if __has_include(<sel4/message/microkit.hpp>)
/// A client of the entropy driver over a channel on which this PD may call it.
class Client {
public:
    /// The driver at the other end of `channel`.
    explicit Client(sel4::microkit::Channel channel) noexcept : channel_(channel) {}

    /// Fills `into` with entropy as far as the pool goes: one call per 48 bytes, until
    /// `into` is full or the driver has none left. Returns the bytes given; fewer than
    /// asked means that the pool is empty: the driver notifies the channel when it has more.
    std::expected<std::size_t, sel4::message::CallError> read(std::span<std::byte> into) const noexcept {
        std::size_t given = 0;
        while (given < into.size()) {
            const std::size_t want = std::min(into.size() - given, max_bytes);
            auto reply = sel4::message::call<Bytes>(channel_, Read{.max = static_cast<std::uint32_t>(want)});
            if (!reply)
                return std::unexpected(reply.error());
            const std::size_t count = std::min<std::size_t>(reply->count, want);
            std::memcpy(into.data() + given, reply->bytes.data(), count);
            given += count;
            if (count < want)
                break;
        }
        return given;
    }

    /// The channel (its notification says the pool was refilled).
    sel4::microkit::Channel channel() const noexcept { return channel_; }

private:
    sel4::microkit::Channel channel_;
};
#endif

} // namespace sel4::drivers::rng
