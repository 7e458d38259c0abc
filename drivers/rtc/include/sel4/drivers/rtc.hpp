/// @file
/// The real-time clock's protocol and its client (`sel4-driver-rtc-client`).
///
/// Who answers: on aarch64 the RTC driver (drivers/rtc, `rtc_driver.elf`, the PL031 at
/// 0x9010000); on riscv64 the timer driver (drivers/timer, `timer_driver.elf`), because the
/// goldfish RTC there is both the timer and the clock and only one PD may read it (see
/// drivers/timer's comment). Either way the client makes a protected call through its
/// channel (pp="true" on its end):
///
/// ```cpp
/// sel4::drivers::rtc::Client rtc(sel4::microkit::Channel(6));
/// if (auto time = rtc.now()) sel4::log::info("unix time {}", time->seconds);
/// ```
#pragma once

#include <sel4/log.hpp>
#include <sel4/message.hpp>
#include <sel4/message/microkit.hpp>
#include <sel4/microkit/channel.hpp>

#include <cstdint>
#include <expected>
#include <tuple>

/// The real-time clock's protocol and client.
namespace sel4::drivers::rtc {

/// Request: the wall-clock time. Answered with UnixTime, or Unavailable.
struct Now {
    static constexpr message::Word label = 0x7200'0001; ///< The message's label.
    static constexpr const char *name = "rtc::Now";     ///< For errors.
    static constexpr auto fields = std::tuple{};         ///< No fields.
};

/// Response: the time since 1970-01-01 00:00:00 UTC. `nanoseconds` is below 10^9, and 0 from
/// a device that counts whole seconds (the PL031).
struct UnixTime {
    static constexpr message::Word label = 0x7200'0002; ///< The message's label.
    static constexpr const char *name = "rtc::UnixTime"; ///< For errors.
    std::uint64_t seconds = 0;                            ///< Whole seconds.
    std::uint64_t nanoseconds = 0;                        ///< The fraction, in nanoseconds.
    static constexpr auto fields = std::tuple{message::Field{"seconds", &UnixTime::seconds},
                                              message::Field{"nanoseconds", &UnixTime::nanoseconds}}; ///< Its fields.
};

/// Response: the driver has no usable device (it logged why at its start).
struct Unavailable {
    static constexpr message::Word label = 0x7200'0003;     ///< The message's label.
    static constexpr const char *name = "rtc::Unavailable"; ///< For errors.
    static constexpr auto fields = std::tuple{};             ///< No fields.
};

/// What the RTC's server decodes.
using Requests = message::Protocol<Now>;
/// What it answers.
using Responses = message::Protocol<UnixTime, Unavailable>;

/// Why Client::now() gave no time.
enum class Error : std::uint8_t {
    unavailable = 1, ///< The driver has no usable device.
    call_failed,     ///< The protected call failed (logged with the details).
};

/// A sentence for `error`.
constexpr const char *describe(Error error) noexcept {
    switch (error) {
    case Error::unavailable: return "the RTC driver has no usable device";
    case Error::call_failed: return "the protected call to the RTC driver failed";
    }
    return "unknown RTC error";
}

/// The RTC's server through a channel.
class Client {
public:
    /// The server at the other end of `channel` (the client's end has pp="true").
    explicit Client(microkit::Channel channel) noexcept : channel_(channel) {}

    /// The wall-clock time, or why there is none.
    std::expected<UnixTime, Error> now() const noexcept {
        const message::Header header = message::encode(Now{}, message::message_registers());
        const MessageInfo reply = channel_.call(microkit::message_info(header.label, header.length));
        const auto response = Responses::decode(reply.label(), reply.length(),
                                                std::span<const message::Word>(message::message_registers()));
        if (!response) {
            log::error("rtc client: the reply did not decode: {} (label {:#x})", response.error().describe(),
                       reply.label());
            return std::unexpected(Error::call_failed);
        }
        if (const auto *time = std::get_if<UnixTime>(&*response))
            return *time;
        return std::unexpected(Error::unavailable);
    }

    /// The channel to the server.
    microkit::Channel channel() const noexcept { return channel_; }

private:
    microkit::Channel channel_;
};

} // namespace sel4::drivers::rtc
