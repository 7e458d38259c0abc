// Ethernet frames for the tests: builders of real ARP, IPv4/ICMP, UDP, TCP and DHCP frames
// with correct checksums, and a few readers of what the netif sent.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace frames {

using Bytes = std::vector<std::uint8_t>;
using Mac = std::array<std::uint8_t, 6>;
using Ip = std::array<std::uint8_t, 4>;

inline constexpr Mac broadcast_mac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
inline constexpr std::uint16_t ethertype_ipv4 = 0x0800;
inline constexpr std::uint16_t ethertype_arp = 0x0806;
inline constexpr std::uint8_t proto_icmp = 1;
inline constexpr std::uint8_t proto_tcp = 6;
inline constexpr std::uint8_t proto_udp = 17;
inline constexpr std::uint8_t tcp_fin = 0x01, tcp_syn = 0x02, tcp_rst = 0x04, tcp_psh = 0x08, tcp_ack = 0x10;

/// The Internet checksum of `bytes`, starting from `sum`.
std::uint16_t checksum(std::span<const std::uint8_t> bytes, std::uint32_t sum = 0);

Bytes ethernet(const Mac &destination, const Mac &source, std::uint16_t type, std::span<const std::uint8_t> payload);
Bytes arp(std::uint16_t operation, const Mac &sender_mac, const Ip &sender_ip, const Mac &target_mac, const Ip &target_ip);
Bytes ipv4(const Ip &source, const Ip &destination, std::uint8_t protocol, std::span<const std::uint8_t> payload,
           std::uint16_t id = 1, std::uint16_t fragment = 0x4000 /* DF */);
Bytes icmp_echo(std::uint16_t id, std::uint16_t sequence, std::span<const std::uint8_t> data);
Bytes udp(const Ip &source, const Ip &destination, std::uint16_t source_port, std::uint16_t destination_port,
          std::span<const std::uint8_t> payload);
Bytes tcp(const Ip &source, const Ip &destination, std::uint16_t source_port, std::uint16_t destination_port,
          std::uint32_t sequence, std::uint32_t acknowledgement, std::uint8_t flags, std::uint16_t window,
          std::span<const std::uint8_t> options, std::span<const std::uint8_t> payload);
/// A DHCP reply (BOOTREPLY) of message type `type` (2 offer, 5 ack) to `client`.
Bytes dhcp_reply(std::uint8_t type, std::uint32_t xid, const Mac &client, const Ip &offered, const Ip &server,
                 const Ip &netmask, const Ip &router, const Ip &dns, std::uint32_t lease_seconds);

/// The frame's parts, if it is long enough.
struct Ethernet {
    Mac destination, source;
    std::uint16_t type;
    std::span<const std::uint8_t> payload;
};
std::optional<Ethernet> parse_ethernet(std::span<const std::uint8_t> frame);
struct Ipv4 {
    Ip source, destination;
    std::uint8_t protocol;
    std::span<const std::uint8_t> payload;
};
std::optional<Ipv4> parse_ipv4(std::span<const std::uint8_t> packet);

std::uint16_t get16(std::span<const std::uint8_t> bytes, std::size_t at);
std::uint32_t get32(std::span<const std::uint8_t> bytes, std::size_t at);

} // namespace frames
