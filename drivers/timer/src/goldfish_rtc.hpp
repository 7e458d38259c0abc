// The goldfish RTC (QEMU's "google,goldfish-rtc", riscv64 virt: 0x101000, PLIC IRQ 11) as the
// timer driver's clock and as the wall clock.
//
// Its registers, 32 bits wide, from QEMU's description of the device (hw/rtc/goldfish_rtc.c)
// and the Android emulator's goldfish documentation:
//   0x00 TIME_LOW         R  the time in nanoseconds since 1970 (the host's clock), low half;
//                            the read also latches the high half into TIME_HIGH
//   0x04 TIME_HIGH        R  the high half latched by the last TIME_LOW read
//   0x08 ALARM_LOW        W  the alarm's low half; the write arms the alarm (with ALARM_HIGH's
//                            value): at or after that time the device raises its interrupt
//                            (at once if it has passed)
//   0x0c ALARM_HIGH       W  the alarm's high half (written first)
//   0x10 IRQ_ENABLED      RW 1: the alarm raises the interrupt line
//   0x14 CLEAR_ALARM      W  disarms the alarm
//   0x18 ALARM_STATUS     R  1 while the alarm is armed
//   0x1c CLEAR_INTERRUPT  W  lowers the interrupt line (it is level-triggered)
//
// Because a TIME_LOW read latches TIME_HIGH, two readers of the device would corrupt each
// other's high halves: the device has one owner, the timer driver's PD (which is a single
// thread, so its own two reads are never split), and it serves the RTC protocol too on
// riscv64. The timer's time base is the device's time minus its value at the driver's start,
// held monotonic (the host clock behind it may step back: the driver never does).
#pragma once

#include <sel4/async/timers.hpp>

#include <cstdint>

namespace timer_driver {

/// The goldfish RTC's registers at `base` (mapped uncached).
class GoldfishRtc {
public:
    static constexpr std::uint32_t time_low = 0x00;        ///< TIME_LOW.
    static constexpr std::uint32_t time_high = 0x04;       ///< TIME_HIGH.
    static constexpr std::uint32_t alarm_low = 0x08;       ///< ALARM_LOW.
    static constexpr std::uint32_t alarm_high = 0x0c;      ///< ALARM_HIGH.
    static constexpr std::uint32_t irq_enabled = 0x10;     ///< IRQ_ENABLED.
    static constexpr std::uint32_t clear_alarm = 0x14;     ///< CLEAR_ALARM.
    static constexpr std::uint32_t alarm_status = 0x18;    ///< ALARM_STATUS.
    static constexpr std::uint32_t clear_interrupt = 0x1c; ///< CLEAR_INTERRUPT.

    explicit GoldfishRtc(std::uintptr_t base) noexcept : base_(base) {}

    /// The device's time: nanoseconds since 1970, TIME_LOW then TIME_HIGH.
    std::uint64_t read_ns() const noexcept {
        const std::uint32_t low = read(time_low);
        const std::uint32_t high = read(time_high);
        return (std::uint64_t{high} << 32) | low;
    }
    /// Arms the alarm at device time `ns`.
    void arm(std::uint64_t ns) const noexcept {
        write(alarm_high, static_cast<std::uint32_t>(ns >> 32));
        write(alarm_low, static_cast<std::uint32_t>(ns));
    }
    /// Disarms the alarm and lowers the line.
    void disarm() const noexcept {
        write(clear_alarm, 1);
        write(clear_interrupt, 1);
    }
    /// Lowers the interrupt line.
    void clear() const noexcept { write(clear_interrupt, 1); }
    /// Lets the alarm raise the line.
    void enable_interrupt() const noexcept { write(irq_enabled, 1); }
    /// IRQ_ENABLED as read back.
    std::uint32_t interrupt_enabled() const noexcept { return read(irq_enabled); }

private:
    std::uint32_t read(std::uint32_t offset) const noexcept {
        return *reinterpret_cast<const volatile std::uint32_t *>(base_ + offset);
    }
    void write(std::uint32_t offset, std::uint32_t value) const noexcept {
        *reinterpret_cast<volatile std::uint32_t *>(base_ + offset) = value;
    }
    std::uintptr_t base_;
};

/// The goldfish RTC as the driver's clock: nanoseconds since the driver started, monotonic.
class GoldfishClock final : public sel4::async::Clock {
public:
    /// Over `device`; its time now is the origin.
    explicit GoldfishClock(GoldfishRtc device) noexcept : device_(device), origin_(device.read_ns()) {
        device_.disarm();
        device_.enable_interrupt();
    }

    /// The device.
    const GoldfishRtc &device() const noexcept { return device_; }
    /// The device's time at the origin (nanoseconds since 1970).
    std::uint64_t origin() const noexcept { return origin_; }

    /// Nanoseconds since the origin, never less than before.
    sel4::async::Instant now() noexcept override {
        const std::uint64_t device_ns = device_.read_ns();
        const std::uint64_t since = device_ns > origin_ ? device_ns - origin_ : 0;
        if (since > last_)
            last_ = since;
        return sel4::async::Instant::from_nanoseconds(last_);
    }
    /// The alarm at the deadline's device time (the line is lowered first).
    void set_timeout(sel4::async::Instant deadline) noexcept override {
        device_.clear();
        const std::uint64_t ns = deadline.nanoseconds();
        device_.arm(ns > ~std::uint64_t{0} - origin_ ? ~std::uint64_t{0} : origin_ + ns);
    }
    /// The alarm disarmed, the line lowered.
    void cancel_timeout() noexcept override { device_.disarm(); }
    /// After its interrupt: the line lowered (the alarm is one-shot).
    void acknowledge() noexcept { device_.clear(); }

private:
    GoldfishRtc device_;
    std::uint64_t origin_;
    std::uint64_t last_ = 0;
};

} // namespace timer_driver
