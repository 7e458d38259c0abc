/// @file
/// Every fixed limit of sel4::net, in one place. The slots are arrays inside the Stack (no
/// heap); a limit that is hit is an Error value (Error::too_many_streams, ...) and is counted
/// in Stack::stats().
#pragma once

#include <cstddef>

namespace sel4::net {

/// TCP streams open at once (accepted, connecting or connected, not yet destroyed). lwIP's
/// MEMP_NUM_TCP_PCB should be at least this plus the listeners' half-open connections and the
/// closing ones in TIME_WAIT (lwIP reclaims those when it runs short).
inline constexpr std::size_t max_streams = 64;
/// TCP listeners open at once.
inline constexpr std::size_t max_listeners = 4;
/// The largest backlog of a listener: connections that completed the handshake and wait for
/// accept(). A connection that finds the backlog full is reset.
inline constexpr std::size_t max_backlog = 16;
/// UDP sockets open at once.
inline constexpr std::size_t max_udp_sockets = 8;
/// Datagrams a UDP socket keeps until receive() takes them; more are dropped (and counted).
inline constexpr std::size_t udp_queue_depth = 8;
/// DNS queries in flight at once.
inline constexpr std::size_t max_dns_queries = 4;
/// The longest name resolve() takes.
inline constexpr std::size_t max_name_length = 253;

} // namespace sel4::net
