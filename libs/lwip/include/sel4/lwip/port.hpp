/// @file
/// lwIP's global state in a PD (libs/lwip): its one-time initialisation, the clock behind
/// sys_now(), the random numbers behind LWIP_RAND(), its timeouts, and how much of its static
/// memory is in use.
///
/// lwIP is one instance per program (NO_SYS: everything is called from one thread, the PD's
/// event loop). A PD sets the clock and the random source, creates its sel4::lwip::Netif,
/// then runs check_timeouts() whenever next_timeout() has passed:
///
/// ```cpp
/// sel4::lwip::set_clock([](void *c) noexcept { return static_cast<Clock *>(c)->now().nanoseconds(); }, &clock);
/// sel4::lwip::set_random([](void *r) noexcept { return static_cast<Rng *>(r)->next(); }, &rng);
/// // ... in notified(), and when the timer armed for next_timeout() fires:
/// netif.poll();
/// sel4::lwip::check_timeouts();
/// ```
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

/// cpp-sel4's port of lwIP: its platform hooks and the network interface over sDDF queues.
namespace sel4::lwip {

/// The time in nanoseconds on a monotonic count (sel4::async::Clock::now().nanoseconds()).
using ClockFunction = std::uint64_t (*)(void *context) noexcept;
/// 32 random bits.
using RandomFunction = std::uint32_t (*)(void *context) noexcept;

/// Initialises lwIP (lwip_init()) the first time; later calls do nothing. Netif::start calls
/// it, so a PD rarely needs to.
void init() noexcept;

/// Installs the clock behind lwIP's sys_now() (milliseconds: the nanoseconds / 10^6, modulo
/// 2^32, which lwIP's timer arithmetic expects to wrap). Until then the time stands at 0 and
/// no lwIP timer fires. `now` must not be null.
void set_clock(ClockFunction now, void *context) noexcept;

/// Installs the source of LWIP_RAND() (TCP initial sequence numbers, DHCP transaction ids,
/// DNS ids, the first local ports). Until then a fixed xorshift sequence stands in: every
/// boot alike, so a PD that talks to a network it does not trust must install real entropy
/// (the rng driver) before its first connection. `random` must not be null.
void set_random(RandomFunction random, void *context) noexcept;

/// lwIP's time: the installed clock in milliseconds (what sys_now() returns).
std::uint32_t now_ms() noexcept;

/// Runs lwIP's timeouts that are due (sys_check_timeouts(): TCP's fast and slow timers, ARP,
/// DHCP, DNS, IP reassembly).
void check_timeouts() noexcept;

/// Milliseconds until lwIP's next timeout is due (0: now), or nothing when none is pending.
std::optional<std::uint32_t> next_timeout() noexcept;

/// How much of lwIP's static memory is in use (LWIP_STATS), for leak checks and the
/// statistics a PD prints.
struct Usage {
    std::size_t heap_used = 0;        ///< Bytes of the MEM_SIZE heap (PBUF_RAM buffers).
    std::size_t heap_max = 0;         ///< The heap's high-water mark.
    std::size_t heap_size = 0;        ///< MEM_SIZE.
    std::uint32_t heap_errors = 0;    ///< Heap allocations that failed.
    std::uint32_t pbuf_pool_used = 0; ///< PBUF_POOL buffers (received frames) in use.
    std::uint32_t pbuf_pool_max = 0;  ///< Their high-water mark.
    std::uint32_t pbuf_pool_size = 0; ///< PBUF_POOL_SIZE.
    std::uint32_t pbuf_pool_errors = 0; ///< Pool allocations that failed (frames dropped).
    std::uint32_t tcp_pcbs_used = 0;  ///< TCP connections (MEMP_TCP_PCB).
    std::uint32_t tcp_segments_used = 0; ///< Queued TCP segments (MEMP_TCP_SEG).
    std::uint32_t pool_elements_used = 0; ///< All memp pools together, sys timeouts excluded.
    std::uint32_t pool_errors = 0;    ///< Failed allocations in all memp pools.
};

/// The use of lwIP's heap and pools now.
Usage usage() noexcept;

} // namespace sel4::lwip
