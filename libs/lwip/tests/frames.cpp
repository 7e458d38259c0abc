#include "frames.hpp"

#include <algorithm>

namespace frames {

namespace {

void put16(Bytes &out, std::uint16_t value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
}
void put32(Bytes &out, std::uint32_t value) {
    put16(out, static_cast<std::uint16_t>(value >> 16));
    put16(out, static_cast<std::uint16_t>(value));
}
void append(Bytes &out, std::span<const std::uint8_t> bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
void set16(Bytes &out, std::size_t at, std::uint16_t value) {
    out[at] = static_cast<std::uint8_t>(value >> 8);
    out[at + 1] = static_cast<std::uint8_t>(value);
}

std::uint32_t pseudo_header_sum(const Ip &source, const Ip &destination, std::uint8_t protocol, std::size_t length) {
    Bytes pseudo;
    append(pseudo, source);
    append(pseudo, destination);
    pseudo.push_back(0);
    pseudo.push_back(protocol);
    put16(pseudo, static_cast<std::uint16_t>(length));
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < pseudo.size(); i += 2)
        sum += static_cast<std::uint32_t>(pseudo[i] << 8 | pseudo[i + 1]);
    return sum;
}

} // namespace

std::uint16_t checksum(std::span<const std::uint8_t> bytes, std::uint32_t sum) {
    for (std::size_t i = 0; i + 1 < bytes.size(); i += 2)
        sum += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
    if (bytes.size() % 2 != 0)
        sum += static_cast<std::uint32_t>(bytes.back() << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

std::uint16_t get16(std::span<const std::uint8_t> bytes, std::size_t at) {
    return static_cast<std::uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}
std::uint32_t get32(std::span<const std::uint8_t> bytes, std::size_t at) {
    return std::uint32_t{get16(bytes, at)} << 16 | get16(bytes, at + 2);
}

Bytes ethernet(const Mac &destination, const Mac &source, std::uint16_t type, std::span<const std::uint8_t> payload) {
    Bytes out;
    append(out, destination);
    append(out, source);
    put16(out, type);
    append(out, payload);
    while (out.size() < 60) // the minimum frame, without the FCS
        out.push_back(0);
    return out;
}

Bytes arp(std::uint16_t operation, const Mac &sender_mac, const Ip &sender_ip, const Mac &target_mac, const Ip &target_ip) {
    Bytes out;
    put16(out, 1);      // Ethernet
    put16(out, 0x0800); // IPv4
    out.push_back(6);
    out.push_back(4);
    put16(out, operation);
    append(out, sender_mac);
    append(out, sender_ip);
    append(out, target_mac);
    append(out, target_ip);
    return out;
}

Bytes ipv4(const Ip &source, const Ip &destination, std::uint8_t protocol, std::span<const std::uint8_t> payload,
           std::uint16_t id, std::uint16_t fragment) {
    Bytes out;
    out.push_back(0x45);
    out.push_back(0);
    put16(out, static_cast<std::uint16_t>(20 + payload.size()));
    put16(out, id);
    put16(out, fragment);
    out.push_back(64);
    out.push_back(protocol);
    put16(out, 0);
    append(out, source);
    append(out, destination);
    set16(out, 10, checksum(out));
    append(out, payload);
    return out;
}

Bytes icmp_echo(std::uint16_t id, std::uint16_t sequence, std::span<const std::uint8_t> data) {
    Bytes out{8, 0, 0, 0};
    put16(out, id);
    put16(out, sequence);
    append(out, data);
    set16(out, 2, checksum(out));
    return out;
}

Bytes udp(const Ip &source, const Ip &destination, std::uint16_t source_port, std::uint16_t destination_port,
          std::span<const std::uint8_t> payload) {
    Bytes out;
    put16(out, source_port);
    put16(out, destination_port);
    put16(out, static_cast<std::uint16_t>(8 + payload.size()));
    put16(out, 0);
    append(out, payload);
    std::uint16_t sum = checksum(out, pseudo_header_sum(source, destination, proto_udp, out.size()));
    set16(out, 6, sum == 0 ? 0xffff : sum);
    return out;
}

Bytes tcp(const Ip &source, const Ip &destination, std::uint16_t source_port, std::uint16_t destination_port,
          std::uint32_t sequence, std::uint32_t acknowledgement, std::uint8_t flags, std::uint16_t window,
          std::span<const std::uint8_t> options, std::span<const std::uint8_t> payload) {
    Bytes out;
    put16(out, source_port);
    put16(out, destination_port);
    put32(out, sequence);
    put32(out, acknowledgement);
    const std::size_t header = 20 + (options.size() + 3) / 4 * 4;
    out.push_back(static_cast<std::uint8_t>(header / 4 << 4));
    out.push_back(flags);
    put16(out, window);
    put16(out, 0);
    put16(out, 0);
    append(out, options);
    while (out.size() < header)
        out.push_back(0);
    append(out, payload);
    set16(out, 16, checksum(out, pseudo_header_sum(source, destination, proto_tcp, out.size())));
    return out;
}

Bytes dhcp_reply(std::uint8_t type, std::uint32_t xid, const Mac &client, const Ip &offered, const Ip &server,
                 const Ip &netmask, const Ip &router, const Ip &dns, std::uint32_t lease_seconds) {
    Bytes out{2, 1, 6, 0}; // BOOTREPLY, Ethernet, 6-byte addresses, 0 hops
    put32(out, xid);
    put16(out, 0); // secs
    put16(out, 0); // flags
    append(out, Ip{});   // ciaddr
    append(out, offered);
    append(out, server); // siaddr
    append(out, Ip{});   // giaddr
    append(out, client);
    out.resize(out.size() + 10 + 64 + 128); // chaddr padding, sname, file
    put32(out, 0x63825363);                 // the magic cookie
    out.insert(out.end(), {53, 1, type});
    out.insert(out.end(), {54, 4});
    append(out, server);
    out.insert(out.end(), {51, 4});
    put32(out, lease_seconds);
    out.insert(out.end(), {1, 4});
    append(out, netmask);
    out.insert(out.end(), {3, 4});
    append(out, router);
    out.insert(out.end(), {6, 4});
    append(out, dns);
    out.push_back(255);
    while (out.size() < 300)
        out.push_back(0);
    return out;
}

std::optional<Ethernet> parse_ethernet(std::span<const std::uint8_t> frame) {
    if (frame.size() < 14)
        return std::nullopt;
    Ethernet result{};
    std::copy_n(frame.begin(), 6, result.destination.begin());
    std::copy_n(frame.begin() + 6, 6, result.source.begin());
    result.type = get16(frame, 12);
    result.payload = frame.subspan(14);
    return result;
}

std::optional<Ipv4> parse_ipv4(std::span<const std::uint8_t> packet) {
    if (packet.size() < 20 || packet[0] >> 4 != 4)
        return std::nullopt;
    const std::size_t header = (packet[0] & 0xf) * 4u;
    const std::size_t total = get16(packet, 2);
    if (header < 20 || total < header || total > packet.size())
        return std::nullopt;
    Ipv4 result{};
    std::copy_n(packet.begin() + 12, 4, result.source.begin());
    std::copy_n(packet.begin() + 16, 4, result.destination.begin());
    result.protocol = packet[9];
    result.payload = packet.subspan(header, total - header);
    return result;
}

} // namespace frames
