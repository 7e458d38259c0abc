// The timer driver (timer_driver.elf): the system's one hardware timer, shared by clients.
//
// Every channel of the PD but its IRQ's is a client (a protected call from the client's end,
// pp="true"; the driver's priority is higher than every client's). A client has one deadline
// at a time (timer::SetTimeout, absolute; timer::CancelTimeout); the driver keeps them in an
// array indexed by channel id and the hardware armed at the earliest. At its interrupt it
// notifies every client whose deadline has passed (a deadline already passed when it is set
// is notified at once, from the call) and re-arms for the next one.
//
// The hardware, per architecture:
// - aarch64: the ARM generic timer's EL1 physical timer (sel4::async::arch::GenericTimerClock:
//   CNTPCT at CNTFRQ, CNTP_CVAL/CNTP_CTL), PPI INTID 30, level-triggered; the kernel exports
//   the counter and the timer to EL0 and keeps the EL2 timer for itself. Time: the counter's,
//   in nanoseconds (the same base as a PD's own GenericTimerClock). No memory region.
// - riscv64: the goldfish RTC (0x101000, PLIC IRQ 11; goldfish_rtc.hpp): its alarm is the
//   timeout, its time minus its value at the start the time base. The kernel keeps the SBI
//   timer for itself. The same device is the wall clock, and a TIME_LOW read latches
//   TIME_HIGH, so no other PD may read it: this PD also answers rtc::Now (drivers/rtc's
//   protocol, with nanoseconds) on any of its channels, and riscv64 systems have no
//   rtc_driver PD. The device's memory region is mapped with setvar_vaddr="rtc_regs".
//
// The IRQ's channel id is 1 unless the system description patches `irq_channel`
// (setvar_id="irq_channel" on the <irq>). Client channels are every other id (0, 2, ...).
#include <sel4/drivers/timer.hpp>
#if defined(__riscv)
#include "goldfish_rtc.hpp"
#include <sel4/drivers/rtc.hpp>
#else
#include <sel4/async/arch/generic_timer.hpp>
#endif

#include <sel4/log.hpp>
#include <sel4/message/microkit.hpp>
#include <sel4/microkit.hpp>

#include <array>
#include <cstdint>
#include <optional>

namespace mk = sel4::microkit;
namespace msg = sel4::message;
namespace timer = sel4::drivers::timer;

SEL4_MICROKIT_VARIABLE(irq_channel, sel4::Word, 1)
#if defined(__riscv)
SEL4_MICROKIT_VARIABLE(rtc_regs, sel4::Word)
#endif

namespace {

constexpr std::uint64_t no_deadline = ~std::uint64_t{0};

#if defined(__riscv)
using Device = timer_driver::GoldfishClock;
// 2000-01-01 in nanoseconds since 1970: a goldfish RTC earlier than this is not one.
constexpr std::uint64_t year_2000_ns = 946'684'800ull * 1'000'000'000ull;

std::optional<Device> make_device() noexcept {
    if (rtc_regs.get() == 0) {
        sel4::log::error("no goldfish RTC mapped (setvar_vaddr rtc_regs): no timer");
        return std::nullopt;
    }
    const timer_driver::GoldfishRtc rtc(rtc_regs.get());
    const std::uint64_t first = rtc.read_ns();
    Device device(rtc);
    const std::uint64_t second = rtc.read_ns();
    if (first < year_2000_ns || second < first || rtc.interrupt_enabled() != 1) {
        sel4::log::error("the goldfish RTC at {:#x} reports nonsense (time {} then {} ns, IRQ_ENABLED {}): no timer",
                         rtc_regs.get(), first, second, rtc.interrupt_enabled());
        return std::nullopt;
    }
    sel4::log::info("goldfish RTC at {:#x}: unix time {} s, the timer's origin", rtc_regs.get(), first / 1'000'000'000u);
    return device;
}
void acknowledge(Device &device) noexcept { device.acknowledge(); }
#else
using Device = sel4::async::arch::GenericTimerClock;

std::optional<Device> make_device() noexcept {
    Device device;
    if (device.frequency() == 0) {
        sel4::log::error("the generic timer's CNTFRQ_EL0 is 0: no timer");
        return std::nullopt;
    }
    sel4::log::info("ARM generic timer (EL1 physical), counter at {} Hz", device.frequency());
    return device;
}
void acknowledge(Device &) noexcept {} // re-arming or disarming drops the level
#endif

class TimerDriver : public mk::Handler {
public:
    TimerDriver() noexcept : irq_(static_cast<unsigned>(irq_channel.get())), device_(make_device()) {
        deadlines_.fill(no_deadline);
        if (!irq_.is_irq())
            sel4::log::error("channel {} is not an IRQ of this PD (the <irq> id, or setvar_id irq_channel)", irq_.id());
        if (device_)
            device_->cancel_timeout();
    }

    void notified(mk::ChannelSet channels) noexcept {
        if (channels.contains(irq_)) {
            ++interrupts_;
            if (device_) {
                acknowledge(*device_);
                expire();
            }
            irq_.irq_ack();
        }
        // A client's notification (its channel may notify both ways) asks for nothing.
    }

    sel4::MessageInfo protected_call(mk::Channel channel, sel4::MessageInfo info) noexcept {
        if (!device_) {
            ++refused_;
            msg::DecodeError error{.kind = msg::DecodeErrorKind::unknown_label, .label = info.label(),
                                   .length = static_cast<std::uint32_t>(info.length())};
            return msg::error_reply(error);
        }
#if defined(__riscv)
        using Requests = msg::Protocol<timer::Now, timer::SetTimeout, timer::CancelTimeout, sel4::drivers::rtc::Now>;
#else
        using Requests = timer::Requests;
#endif
        return msg::serve<Requests>(info, [&](const auto &request) { return answer(channel, request); });
    }

private:
    std::uint64_t now_ns() noexcept { return device_->now().nanoseconds(); }

    timer::Time answer(mk::Channel, const timer::Now &) noexcept { return timer::Time{now_ns()}; }

    timer::Ok answer(mk::Channel channel, const timer::SetTimeout &request) noexcept {
        if (channel == irq_ || !channel.can_notify()) {
            sel4::log::error("SetTimeout from channel {}, which this PD cannot notify: ignored", channel.id());
            return {};
        }
        if (request.deadline_ns <= now_ns()) {
            if (deadlines_[channel.id()] != no_deadline) {
                deadlines_[channel.id()] = no_deadline;
                rearm();
            }
            channel.notify();
            ++expiries_;
            return {};
        }
        deadlines_[channel.id()] = request.deadline_ns;
        rearm();
        return {};
    }

    timer::Ok answer(mk::Channel channel, const timer::CancelTimeout &) noexcept {
        if (deadlines_[channel.id()] != no_deadline) {
            deadlines_[channel.id()] = no_deadline;
            rearm();
        }
        return {};
    }

#if defined(__riscv)
    sel4::drivers::rtc::UnixTime answer(mk::Channel, const sel4::drivers::rtc::Now &) noexcept {
        const std::uint64_t ns = device_->device().read_ns();
        return {.seconds = ns / 1'000'000'000u, .nanoseconds = ns % 1'000'000'000u};
    }
#endif

    // Notifies every client whose deadline has passed, then arms the hardware for the rest.
    void expire() noexcept {
        const std::uint64_t now = now_ns();
        for (unsigned id = 0; id < deadlines_.size(); ++id) {
            if (deadlines_[id] <= now) {
                deadlines_[id] = no_deadline;
                mk::Channel(id).notify();
                ++expiries_;
            }
        }
        rearm();
    }

    // The hardware armed at the earliest deadline, or disarmed.
    void rearm() noexcept {
        std::uint64_t earliest = no_deadline;
        for (const std::uint64_t deadline : deadlines_)
            earliest = deadline < earliest ? deadline : earliest;
        if (earliest == no_deadline)
            device_->cancel_timeout();
        else
            device_->set_timeout(sel4::async::Instant::from_nanoseconds(earliest));
    }

    mk::Channel irq_;
    std::optional<Device> device_;
    std::array<std::uint64_t, mk::max_channels> deadlines_{};
    std::uint64_t interrupts_ = 0, expiries_ = 0, refused_ = 0;
};

TimerDriver make_driver() noexcept { return TimerDriver(); }

} // namespace

SEL4_MICROKIT_PD(make_driver)
