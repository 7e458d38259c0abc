// The timer driver's work, independent of the hardware and of Microkit (host-tested with a
// fake clock, tests/service_test.cpp): one deadline per client (by channel id), the hardware
// timeout armed at the earliest of them, the clients whose deadlines passed notified.
//
// A Device is a sel4::async::Clock: now(), set_timeout(Instant), cancel_timeout().
#pragma once

#include <sel4/async/timers.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace timer_driver {

/// The deadlines of up to `Clients` clients (ids 0..Clients-1) over one hardware timeout.
template <class Device, std::size_t Clients> class Service {
public:
    /// Over `device` (which outlives it); no deadlines, the device disarmed.
    explicit Service(Device &device) noexcept : device_(device) {
        deadlines_.fill(none);
        device_.cancel_timeout();
    }

    /// The time now, in nanoseconds.
    std::uint64_t now() noexcept { return device_.now().nanoseconds(); }

    /// Client `id`'s deadline becomes `deadline` (replacing its last one); one that has passed
    /// is notified at once (`notify(id)`) and not kept. An id out of range is ignored (false).
    template <class Notify> bool set(unsigned id, std::uint64_t deadline, Notify &&notify) noexcept {
        if (id >= Clients)
            return false;
        if (deadline <= now()) {
            if (deadlines_[id] != none) {
                deadlines_[id] = none;
                rearm();
            }
            notify(id);
            ++expiries_;
            return true;
        }
        deadlines_[id] = deadline;
        rearm();
        return true;
    }

    /// Drops client `id`'s deadline, if it has one.
    void cancel(unsigned id) noexcept {
        if (id < Clients && deadlines_[id] != none) {
            deadlines_[id] = none;
            rearm();
        }
    }

    /// At the hardware's interrupt (or any time): notifies every client whose deadline has
    /// passed, lowest id first, then arms the device for the earliest left (or disarms it).
    /// Returns how many were notified.
    template <class Notify> std::size_t expire(Notify &&notify) noexcept {
        const std::uint64_t time = now();
        std::size_t fired = 0;
        for (unsigned id = 0; id < Clients; ++id) {
            if (deadlines_[id] <= time) {
                deadlines_[id] = none;
                notify(id);
                ++fired;
            }
        }
        expiries_ += fired;
        rearm();
        return fired;
    }

    /// Client `id`'s deadline, if it has one.
    std::optional<std::uint64_t> deadline(unsigned id) const noexcept {
        if (id >= Clients || deadlines_[id] == none)
            return std::nullopt;
        return deadlines_[id];
    }
    /// What the device is armed for, if anything.
    std::optional<std::uint64_t> armed() const noexcept { return armed_; }
    /// The notifications sent so far.
    std::uint64_t expiries() const noexcept { return expiries_; }

private:
    static constexpr std::uint64_t none = ~std::uint64_t{0};

    // The device armed at the earliest deadline, or disarmed; always written (after an
    // interrupt the device must be re-armed or disarmed to drop its level).
    void rearm() noexcept {
        std::uint64_t earliest = none;
        for (const std::uint64_t deadline : deadlines_)
            earliest = deadline < earliest ? deadline : earliest;
        if (earliest == none) {
            device_.cancel_timeout();
            armed_.reset();
        } else {
            device_.set_timeout(sel4::async::Instant::from_nanoseconds(earliest));
            armed_ = earliest;
        }
    }

    Device &device_;
    std::array<std::uint64_t, Clients> deadlines_{};
    std::optional<std::uint64_t> armed_;
    std::uint64_t expiries_ = 0;
};

} // namespace timer_driver
