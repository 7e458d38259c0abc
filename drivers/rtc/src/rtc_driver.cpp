// The RTC driver (rtc_driver.elf, aarch64): the PL031 real-time clock of QEMU's virt machine
// (0x9010000, INTID 34, unused: no alarm is offered), answering rtc::Now with its seconds.
//
// The PL031's registers (Arm PrimeCell Real Time Clock (PL031) Technical Reference Manual),
// 32 bits wide:
//   0x000 RTCDR    R  the counter: seconds (QEMU: since 1970, from the host's clock)
//   0x004 RTCMR    RW the match value (an alarm; not used)
//   0x008 RTCLR    RW loads the counter
//   0x00c RTCCR    RW bit 0 starts the counter (it cannot be stopped again)
//   0x010 RTCIMSC  RW bit 0 unmasks the match interrupt
//   0x014 RTCRIS, 0x018 RTCMIS  R  raw and masked interrupt status
//   0x01c RTCICR   W  clears the interrupt
//   0xfe0..0xfec RTCPeriphID0..3  0x31, 0x10, 0x?4, 0x00: part 0x031, designer 0x41 (Arm)
//   0xff0..0xffc RTCPCellID0..3   0x0d, 0xf0, 0x05, 0xb1
// The driver checks the identification registers at its start and starts the counter if it
// is stopped; a device that does not identify as a PL031 is logged, and every request is then
// answered rtc::Unavailable. Its memory region is mapped uncached with setvar_vaddr="rtc_regs".
// Every channel of the PD is a client's (pp="true" at the client's end, the driver's priority
// above its clients').
//
// riscv64 has no rtc_driver: the goldfish RTC there is the timer too, and a TIME_LOW read
// latches TIME_HIGH, so one PD, the timer driver, owns it and answers rtc::Now
// (drivers/timer/src/timer_driver.cpp).
#include <sel4/drivers/rtc.hpp>

#include <sel4/log.hpp>
#include <sel4/message/microkit.hpp>
#include <sel4/microkit.hpp>

#include <cstdint>

namespace mk = sel4::microkit;
namespace msg = sel4::message;
namespace rtc = sel4::drivers::rtc;

SEL4_MICROKIT_VARIABLE(rtc_regs, sel4::Word)

namespace {

class Pl031 {
public:
    static constexpr std::uint32_t dr = 0x000;           ///< RTCDR.
    static constexpr std::uint32_t cr = 0x00c;           ///< RTCCR.
    static constexpr std::uint32_t imsc = 0x010;         ///< RTCIMSC.
    static constexpr std::uint32_t periph_id0 = 0xfe0;   ///< RTCPeriphID0 (then 1..3, 4 bytes apart).
    static constexpr std::uint32_t pcell_id0 = 0xff0;    ///< RTCPCellID0 (then 1..3).
    static constexpr std::uint32_t cr_start = 1;         ///< RTCCR: the counter runs.

    explicit Pl031(std::uintptr_t base) noexcept : base_(base) {}

    std::uint32_t read(std::uint32_t offset) const noexcept {
        return *reinterpret_cast<const volatile std::uint32_t *>(base_ + offset);
    }
    void write(std::uint32_t offset, std::uint32_t value) const noexcept {
        *reinterpret_cast<volatile std::uint32_t *>(base_ + offset) = value;
    }
    /// The four bytes of the identification registers at `first` (low byte each), as a word.
    std::uint32_t id(std::uint32_t first) const noexcept {
        std::uint32_t value = 0;
        for (std::uint32_t i = 0; i < 4; ++i)
            value |= (read(first + 4 * i) & 0xff) << (8 * i);
        return value;
    }

private:
    std::uintptr_t base_;
};

bool identify(const Pl031 &device) noexcept {
    const std::uint32_t periph = device.id(Pl031::periph_id0);
    const std::uint32_t cell = device.id(Pl031::pcell_id0);
    // Part number 0x031 (bits 0..11), designer 0x41 (bits 12..19); the revision (20..23) may be any.
    const bool is_pl031 = (periph & 0x000f'ffff) == 0x0004'1031 && (periph >> 24) == 0 && cell == 0xb105'f00d;
    if (!is_pl031) {
        sel4::log::error("the device at {:#x} is not a PL031 (PeriphID {:#x}, PCellID {:#x}): no RTC", rtc_regs.get(),
                         periph, cell);
        return false;
    }
    if ((device.read(Pl031::cr) & Pl031::cr_start) == 0) {
        sel4::log::warn("the PL031's counter was stopped: started");
        device.write(Pl031::cr, Pl031::cr_start);
    }
    device.write(Pl031::imsc, 0); // no alarm
    sel4::log::info("PL031 (revision {}) at {:#x}: unix time {} s", periph >> 20 & 0xf, rtc_regs.get(),
                    device.read(Pl031::dr));
    return true;
}

class RtcDriver : public mk::Handler {
public:
    RtcDriver() noexcept : device_(rtc_regs.get()) {
        if (rtc_regs.get() == 0)
            sel4::log::error("no PL031 mapped (setvar_vaddr rtc_regs): no RTC");
        else
            usable_ = identify(device_);
    }

    void notified(mk::ChannelSet) noexcept {} // a client's notification asks for nothing

    sel4::MessageInfo protected_call(mk::Channel, sel4::MessageInfo info) noexcept {
        return msg::serve<rtc::Requests>(info, [&](const rtc::Now &) -> sel4::MessageInfo {
            if (!usable_)
                return msg::reply(rtc::Unavailable{});
            return msg::reply(rtc::UnixTime{.seconds = device_.read(Pl031::dr), .nanoseconds = 0});
        });
    }

private:
    Pl031 device_;
    bool usable_ = false;
};

RtcDriver make_driver() noexcept { return RtcDriver(); }

} // namespace

SEL4_MICROKIT_PD(make_driver)
