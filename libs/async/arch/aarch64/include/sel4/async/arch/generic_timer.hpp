/// @file
/// The ARM generic timer's EL1 physical timer as a sel4::async::Clock, from EL0.
///
/// It reads the physical counter (CNTPCT_EL0, with an ISB before so that the read is not
/// taken early) at the frequency CNTFRQ_EL0 gives, and arms the timeout with the compare
/// value (CNTP_CVAL_EL0, enabled in CNTP_CTL_EL0). The kernel must export the physical
/// counter and timer to user mode (KernelArmExportPCNTUser, KernelArmExportPTMRUser, as
/// Microkit's aarch64 configurations do), and use another timer itself (the EL2 one under a
/// hypervisor kernel). Its interrupt is the PPI with INTID 30 on QEMU's virt machine,
/// level-triggered: it stays asserted while the compare value has passed, so the PD re-arms
/// (Timers::poll does) or disarms the timer before it acknowledges the IRQ.
///
/// Conversions round so that nothing is early: now() rounds down, a deadline's compare
/// value rounds up.
#pragma once

#include <sel4/async/timers.hpp>

#include <cstdint>

namespace sel4::async::arch {

/// The EL1 physical timer (see the file's comment).
class GenericTimerClock final : public Clock {
public:
    /// CNTP_CTL_EL0: the timer is enabled.
    static constexpr std::uint64_t ctl_enable = 1;
    /// CNTP_CTL_EL0: its interrupt is masked.
    static constexpr std::uint64_t ctl_imask = 2;
    /// CNTP_CTL_EL0: the timer's condition is met (read-only).
    static constexpr std::uint64_t ctl_istatus = 4;

    /// The timer at the frequency CNTFRQ_EL0 gives; disarmed.
    GenericTimerClock() noexcept : frequency_(read_frequency()) { write_ctl(ctl_imask); }

    /// The counter's frequency in Hz.
    std::uint64_t frequency() const noexcept { return frequency_; }
    /// The physical counter now.
    static std::uint64_t ticks() noexcept {
        std::uint64_t value;
        asm volatile("isb; mrs %0, cntpct_el0" : "=r"(value));
        return value;
    }
    /// CNTP_CTL_EL0.
    static std::uint64_t ctl() noexcept {
        std::uint64_t value;
        asm volatile("mrs %0, cntp_ctl_el0" : "=r"(value));
        return value;
    }

    /// `ticks` of the counter in nanoseconds, rounded down.
    std::uint64_t to_nanoseconds(std::uint64_t ticks) const noexcept {
        return static_cast<std::uint64_t>(static_cast<unsigned __int128>(ticks) * 1'000'000'000u / frequency_);
    }
    /// The first counter value at or after `ns` nanoseconds.
    std::uint64_t to_ticks(std::uint64_t ns) const noexcept {
        const auto scaled = static_cast<unsigned __int128>(ns) * frequency_;
        return static_cast<std::uint64_t>((scaled + 999'999'999u) / 1'000'000'000u);
    }

    /// The counter's time.
    Instant now() noexcept override { return Instant::from_nanoseconds(to_nanoseconds(ticks())); }
    /// The compare value at the deadline, the timer enabled and unmasked.
    void set_timeout(Instant deadline) noexcept override {
        const std::uint64_t compare = to_ticks(deadline.nanoseconds());
        asm volatile("msr cntp_cval_el0, %0" ::"r"(compare));
        write_ctl(ctl_enable);
    }
    /// The timer disabled (its interrupt drops).
    void cancel_timeout() noexcept override { write_ctl(ctl_imask); }

private:
    static std::uint64_t read_frequency() noexcept {
        std::uint64_t value;
        asm volatile("mrs %0, cntfrq_el0" : "=r"(value));
        return value;
    }
    static void write_ctl(std::uint64_t value) noexcept { asm volatile("msr cntp_ctl_el0, %0; isb" ::"r"(value)); }

    std::uint64_t frequency_;
};

} // namespace sel4::async::arch
