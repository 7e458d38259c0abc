/// @file
/// sel4::net in a Microkit PD that is the network client of drivers/systems.cmake
/// (`cpp_sel4_driver_system(... CLIENT <pd> DRIVERS net timer ...)`, the client's maps from
/// `@NET_CLIENT_MAPS@`): the virtio-net driver on channel 1 (its queues and data regions at
/// the setvars of sel4/drivers/net.hpp), the timer driver on channel 2 and the virtio-rng
/// driver on channel 3 (`DRIVERS net timer rng`), whose entropy is lwIP's LWIP_RAND (TCP's
/// initial sequence numbers, DHCP's transaction ids, DNS ids and ports). Link
/// `sel4-net-microkit`.
///
/// ```cpp
/// sel4::async::FramePool<64 * 1024> frames;
/// sel4::net::microkit::Client network;   // a global: the timers and, once started, the stack
///
/// struct Pd : sel4::microkit::Handler {
///     sel4::async::Executor executor;
///     Pd() {
///         sel4::net::Stack &stack = network.start();   // queues, buffers, MAC, lwIP
///         stack.start_dhcp();
///         executor.spawn(serve(stack));
///         executor.run_until_stalled();
///     }
///     void notified(sel4::microkit::ChannelSet channels) { network.notified(channels, executor); }
/// };
/// ```
#pragma once

#include <sel4/async/executor.hpp>
#include <sel4/async/timers.hpp>
#include <sel4/drivers/rng.hpp>
#include <sel4/drivers/timer.hpp>
#include <sel4/lwip/netif.hpp>
#include <sel4/microkit/channel.hpp>
#include <sel4/net.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace sel4::net::microkit {

/// The client's channel to the virtio-net driver (drivers/systems.cmake).
inline constexpr sel4::microkit::Channel net_channel{1};
/// The client's channel to the timer driver (drivers/systems.cmake).
inline constexpr sel4::microkit::Channel timer_channel{2};
/// The client's channel to the virtio-rng driver (drivers/systems.cmake).
inline constexpr sel4::microkit::Channel rng_channel{3};

/// The PD's network: the timer driver's client and the Timers on it, and the Stack over the
/// net driver's queues. One per PD (lwIP's state is global); a global, as the Stack is large.
class Client {
public:
    /// The timer client and its Timers; no stack yet.
    Client() noexcept = default;
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    /// Attaches the net driver's four queues, puts every buffer of both data regions in its
    /// free queue, asks the driver for the MAC address (a protected call) and makes the
    /// Stack (lwIP up, the interface up, no address yet). A system that disagrees with the
    /// PD (queues that do not attach, a driver that does not answer) stops the PD with the
    /// reason. Once only.
    Stack &start() noexcept;

    /// The stack (after start()).
    Stack &stack() noexcept { return *stack_; }
    /// The timers, on the timer driver's clock (lwIP's timeouts run on them too).
    async::Timers &timers() noexcept { return timers_; }
    /// The timer driver's client (its now() is the stack's clock).
    drivers::timer::Client &clock() noexcept { return clock_; }
    /// The interface's Ethernet address (after start()).
    lwip::MacAddress mac() const noexcept { return mac_; }

    /// What the PD's notified() does: the timers' expiries (on the timer's channel), the
    /// frames that came in, lwIP's timeouts that are due, then `executor` woken with the
    /// channels and run until no task is ready.
    void notified(sel4::microkit::ChannelSet channels, async::Executor &executor) noexcept;

    /// 32 random bits (LWIP_RAND): from the rng driver's entropy, 48 bytes a protected call;
    /// while its pool is empty, from a SplitMix64 sequence keyed by all the entropy taken so
    /// far and the clock.
    std::uint32_t random() noexcept;
    /// How many of random()'s values came from the sequence instead of the driver.
    std::uint64_t random_fallbacks() const noexcept { return fallbacks_; }

private:
    drivers::timer::Client clock_{timer_channel};
    async::Timers timers_{clock_};
    drivers::rng::Client rng_{rng_channel};
    std::array<std::byte, drivers::rng::max_bytes> entropy_{};
    std::size_t entropy_left_ = 0;
    std::uint64_t mix_ = 0;
    std::uint64_t fallbacks_ = 0;
    lwip::MacAddress mac_{};
    std::optional<Stack> stack_;
};

} // namespace sel4::net::microkit
