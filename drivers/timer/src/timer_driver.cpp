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
// A device that reports nonsense (a frequency of 0; a goldfish time before 2000 or going
// back) is logged at the start, and every request is then refused with an error reply
// (sel4::message's ErrorReply: the client's call fails with request_rejected), rtc::Now on
// riscv64 with rtc::Unavailable.
//
// The IRQ's channel id is 1 unless the system description patches `irq_channel`
// (setvar_id="irq_channel" on the <irq>). Client channels are every other id (0, 2, ...).
#include "service.hpp"

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

#if defined(__riscv)
using Device = timer_driver::GoldfishClock;
// 2000-01-01 in nanoseconds since 1970: a goldfish RTC earlier than this is not one.
constexpr std::uint64_t year_2000_ns = 946'684'800ull * 1'000'000'000ull;

std::optional<Device> make_device() noexcept {
    if (rtc_regs.get() == 0) {
        sel4::log::error("no goldfish RTC mapped (setvar_vaddr rtc_regs): no timer");
        return std::nullopt;
    }
    // Reads first: a device that is not a goldfish RTC gets no writes.
    const timer_driver::GoldfishRtc rtc(rtc_regs.get());
    const std::uint64_t first = rtc.read_ns();
    const std::uint64_t second = rtc.read_ns();
    if (first < year_2000_ns || second < first) {
        sel4::log::error("the goldfish RTC at {:#x} reports nonsense (time {} then {} ns): no timer, no RTC",
                         rtc_regs.get(), first, second);
        return std::nullopt;
    }
    Device device(rtc);
    if (rtc.interrupt_enabled() != 1) {
        sel4::log::error("the goldfish RTC at {:#x} does not keep IRQ_ENABLED: no timer, no RTC", rtc_regs.get());
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
        if (!irq_.is_irq())
            sel4::log::error("channel {} is not an IRQ of this PD (the <irq> id, or setvar_id irq_channel)", irq_.id());
        if (device_)
            service_.emplace(*device_);
    }
    TimerDriver(const TimerDriver &) = delete; // service_ refers to device_
    TimerDriver &operator=(const TimerDriver &) = delete;

    void notified(mk::ChannelSet channels) noexcept {
        if (channels.contains(irq_)) {
            if (service_) {
                acknowledge(*device_);
                (void)service_->expire(notify);
            }
            irq_.irq_ack();
        }
        // A client's notification (its channel may notify both ways) asks for nothing.
    }

    sel4::MessageInfo protected_call(mk::Channel channel, sel4::MessageInfo info) noexcept {
        if (!service_) {
#if defined(__riscv)
            if (info.label() == sel4::drivers::rtc::Now::label)
                return msg::reply(sel4::drivers::rtc::Unavailable{});
#endif
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
    static void notify(unsigned id) noexcept { mk::Channel(id).notify(); }

    timer::Time answer(mk::Channel, const timer::Now &) noexcept { return timer::Time{service_->now()}; }

    timer::Ok answer(mk::Channel channel, const timer::SetTimeout &request) noexcept {
        if (channel == irq_ || !channel.can_notify())
            sel4::log::error("SetTimeout from channel {}, which this PD cannot notify: ignored", channel.id());
        else
            (void)service_->set(channel.id(), request.deadline_ns, notify);
        return {};
    }

    timer::Ok answer(mk::Channel channel, const timer::CancelTimeout &) noexcept {
        service_->cancel(channel.id());
        return {};
    }

#if defined(__riscv)
    sel4::drivers::rtc::UnixTime answer(mk::Channel, const sel4::drivers::rtc::Now &) noexcept {
        const std::uint64_t ns = device_->device().read_ns();
        return {.seconds = ns / 1'000'000'000u, .nanoseconds = ns % 1'000'000'000u};
    }
#endif

    mk::Channel irq_;
    std::optional<Device> device_;
    std::optional<timer_driver::Service<Device, mk::max_channels>> service_;
};

// The handler is made in place (guaranteed copy elision): service_ refers to device_.
TimerDriver make_driver() noexcept { return TimerDriver(); }

} // namespace

SEL4_MICROKIT_PD(make_driver)
