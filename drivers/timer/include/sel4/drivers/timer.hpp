/// @file
/// The timer driver's protocol and its client (`sel4-driver-timer-client`).
///
/// The timer driver (drivers/timer, `timer_driver.elf`) owns the one hardware timer of the
/// system (the ARM generic timer's EL1 physical timer on aarch64, the goldfish RTC's alarm on
/// riscv64) and serves any number of clients, each on a channel of its own through which the
/// client makes protected calls (pp="true" on the client's end; the driver's priority is
/// higher). A client has one deadline at a time; when it passes, the driver notifies the
/// client's channel.
///
/// ```cpp
/// sel4::drivers::timer::Client clock(sel4::microkit::Channel(2));
/// sel4::async::Timers timers(clock);           // timers.poll() when channel 2 is notified
/// co_await timers.sleep_for(10ms);
/// ```
///
/// Time is monotonic nanoseconds since the driver started (on aarch64 the physical counter's
/// time, CNTPCT at CNTFRQ, the same base as sel4::async::arch::GenericTimerClock).
#pragma once

#include <sel4/async/timers.hpp>
#include <sel4/log.hpp>
#include <sel4/message.hpp>
#include <sel4/message/microkit.hpp>
#include <sel4/microkit/channel.hpp>

#include <cstdint>
#include <expected>
#include <tuple>

/// The timer driver's protocol and client.
namespace sel4::drivers::timer {

/// Request: the time now. Answered with Time.
struct Now {
    static constexpr message::Word label = 0x7100'0001; ///< The message's label.
    static constexpr const char *name = "timer::Now";   ///< For errors.
    static constexpr auto fields = std::tuple{};         ///< No fields.
};

/// Response: a time, nanoseconds since the driver started.
struct Time {
    static constexpr message::Word label = 0x7100'0002; ///< The message's label.
    static constexpr const char *name = "timer::Time";  ///< For errors.
    std::uint64_t ns = 0;                                ///< Nanoseconds.
    static constexpr auto fields = std::tuple{message::Field{"ns", &Time::ns}}; ///< Its one field.
};

/// Request: notify the caller's channel at `deadline_ns` (absolute, Time's base), replacing
/// the caller's deadline before; a deadline that has passed is notified at once. Answered
/// with Ok.
struct SetTimeout {
    static constexpr message::Word label = 0x7100'0003;      ///< The message's label.
    static constexpr const char *name = "timer::SetTimeout"; ///< For errors.
    std::uint64_t deadline_ns = 0;                            ///< The deadline, in Time's base.
    static constexpr auto fields = std::tuple{message::Field{"deadline_ns", &SetTimeout::deadline_ns}}; ///< Its field.
};

/// Request: drop the caller's deadline (nothing when it has none). Answered with Ok.
struct CancelTimeout {
    static constexpr message::Word label = 0x7100'0004;         ///< The message's label.
    static constexpr const char *name = "timer::CancelTimeout"; ///< For errors.
    static constexpr auto fields = std::tuple{};                 ///< No fields.
};

/// Response: done.
struct Ok {
    static constexpr message::Word label = 0x7100'0005; ///< The message's label.
    static constexpr const char *name = "timer::Ok";    ///< For errors.
    static constexpr auto fields = std::tuple{};         ///< No fields.
};

/// What the driver decodes.
using Requests = message::Protocol<Now, SetTimeout, CancelTimeout>;

/// The timer driver through a channel, as a sel4::async::Clock: now() and set_timeout() are
/// protected calls; the expiry is a notification on the same channel, on which the PD calls
/// its Timers' poll(). Copyable (it is the channel and the last time seen).
///
/// Clock's calls cannot fail; a call that does (a driver that answers nonsense) is logged,
/// now() then gives the last time it got (time does not go back) and the timeout is not
/// armed. The try_ calls give the error as a value.
class Client final : public async::Clock {
public:
    /// The driver at the other end of `channel` (the client's end has pp="true").
    explicit Client(microkit::Channel channel) noexcept : channel_(channel) {}

    /// The channel to the driver (its notifications are the expiries).
    microkit::Channel channel() const noexcept { return channel_; }

    /// The time now, in nanoseconds, or why the call failed.
    std::expected<std::uint64_t, message::CallError> try_now() noexcept {
        auto time = message::call<Time>(channel_, Now{});
        if (!time)
            return std::unexpected(time.error());
        return time->ns;
    }
    /// Arms the deadline, or why the call failed.
    std::expected<void, message::CallError> try_set_timeout(std::uint64_t deadline_ns) noexcept {
        return call_ok(SetTimeout{deadline_ns});
    }
    /// Drops the deadline, or why the call failed.
    std::expected<void, message::CallError> try_cancel_timeout() noexcept { return call_ok(CancelTimeout{}); }

    /// The time now (never before the last time this client got).
    async::Instant now() noexcept override {
        auto ns = try_now();
        if (!ns)
            log_failure("timer::Now", ns.error());
        else if (*ns > last_ns_)
            last_ns_ = *ns;
        return async::Instant::from_nanoseconds(last_ns_);
    }
    /// Arms the driver's deadline for this client.
    void set_timeout(async::Instant deadline) noexcept override {
        if (auto ok = try_set_timeout(deadline.nanoseconds()); !ok)
            log_failure("timer::SetTimeout", ok.error());
    }
    /// Drops it.
    void cancel_timeout() noexcept override {
        if (auto ok = try_cancel_timeout(); !ok)
            log_failure("timer::CancelTimeout", ok.error());
    }

private:
    // A request answered with Ok: nothing, or why the call failed.
    template <message::Message Request> std::expected<void, message::CallError> call_ok(const Request &request) noexcept {
        auto ok = message::call<Ok>(channel_, request);
        if (!ok)
            return std::unexpected(ok.error());
        return {};
    }
    static void log_failure(const char *what, const message::CallError &error) noexcept {
        log::error("timer client: {} failed: {}: {} (label {:#x})", what, error.describe(), error.decode.describe(),
                   error.decode.label);
    }

    microkit::Channel channel_;
    std::uint64_t last_ns_ = 0;
};

} // namespace sel4::drivers::timer
