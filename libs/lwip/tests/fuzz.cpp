// lwip.fuzz: mutated Ethernet frames through sel4::lwip::Netif's input path (rx active ->
// lwIP -> tx active), under AddressSanitizer and UndefinedBehaviorSanitizer with
// -fno-sanitize-recover, and lwIP's own pool overflow checks: any memory error, undefined
// behaviour or failed lwIP assertion ends the program with a non-zero status.
//
// Two interfaces: A with a static address, a TCP echo listener and a UDP echo socket on port
// 7; B running DHCP. The seeds are real frames: ARP requests and replies, ICMP echo (plain,
// with IP options, fragmented), UDP to an open and a closed port, broadcast UDP, TCP SYN to
// the listener and to a closed port, TCP segments with the right sequence numbers for
// connections the listener accepted (taken from A's SYN-ACKs), and DHCP offers and acks with
// B's current transaction id (taken from its requests). Each frame is a seed, mutated by one
// to four of: bit flips, random bytes, interesting values, truncation, extension, lying
// length fields (IPv4 total length and IHL, UDP length, TCP data offset), and then, half the
// time, correct checksums again so that the mutation reaches past the checksum checks. The
// seed of the random numbers is fixed (--seed), so every run is the same. Time advances by
// 0..50 ms a frame and lwIP's timeouts run.
//
// At the end every connection is closed, the interfaces removed, lwIP's time moved on by ten
// minutes (TIME_WAIT, reassembly, ARP), and lwIP's heap and memp pools must be exactly where
// they were before the first frame; and the run must have done real work (connections
// accepted, UDP echoed, DHCP bound), so a fuzz that stopped reaching lwIP fails too.
#include "frames.hpp"
#include "harness.hpp"

#include <sel4/lwip.hpp>

#include <lwip/dhcp.h>
#include <lwip/memp.h>
#include <lwip/stats.h>
#include <lwip/tcp.h>
#include <lwip/udp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string_view>

namespace {

using namespace frames;
namespace lwip = sel4::lwip;

constexpr Mac a_mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr Mac b_mac{0x52, 0x54, 0x00, 0x65, 0x43, 0x21};
constexpr Ip a_ip{10, 0, 2, 15};
constexpr Mac peer_mac{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
constexpr Ip peer_ip{10, 0, 2, 2};
constexpr Ip dhcp_server{10, 0, 3, 2};
constexpr Ip dhcp_offered{10, 0, 3, 15};
constexpr std::uint16_t echo_port = 7;

std::mt19937_64 rng;
std::uint64_t random_below(std::uint64_t n) { return n == 0 ? 0 : rng() % n; }

// --- lwIP applications on A: TCP echo and UDP echo -------------------------------------

constexpr std::size_t max_connections = 64;
struct tcp_pcb *connections[max_connections] = {};
std::uint64_t accepted = 0, tcp_bytes_echoed = 0, udp_echoed = 0;

void forget(struct tcp_pcb *pcb) {
    for (auto &slot : connections)
        if (slot == pcb)
            slot = nullptr;
}

void closed_on_error(void *arg, err_t) { forget(static_cast<struct tcp_pcb *>(arg)); }

err_t echo_received(void *, struct tcp_pcb *pcb, struct pbuf *data, err_t) {
    if (data == nullptr) { // the peer closed
        forget(pcb);
        tcp_arg(pcb, nullptr);
        tcp_recv(pcb, nullptr);
        tcp_err(pcb, nullptr);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    for (struct pbuf *segment = data; segment != nullptr; segment = segment->next) {
        const u16_t room = std::min<u16_t>(tcp_sndbuf(pcb), segment->len);
        if (room > 0 && tcp_write(pcb, segment->payload, room, TCP_WRITE_FLAG_COPY) == ERR_OK)
            tcp_bytes_echoed += room;
    }
    tcp_recved(pcb, data->tot_len);
    pbuf_free(data);
    tcp_output(pcb);
    return ERR_OK;
}

err_t accept_connection(void *, struct tcp_pcb *pcb, err_t error) {
    if (error != ERR_OK || pcb == nullptr)
        return ERR_VAL;
    for (auto &slot : connections) {
        if (slot == nullptr) {
            slot = pcb;
            tcp_arg(pcb, pcb);
            tcp_recv(pcb, echo_received);
            tcp_err(pcb, closed_on_error);
            ++accepted;
            return ERR_OK;
        }
    }
    tcp_abort(pcb);
    return ERR_ABRT;
}

void udp_echo(void *, struct udp_pcb *pcb, struct pbuf *data, const ip_addr_t *from, u16_t port) {
    if (udp_sendto(pcb, data, from, port) == ERR_OK)
        ++udp_echoed;
    pbuf_free(data);
}

// --- What the interfaces sent: the state the next seeds need --------------------------

struct Connection {
    std::uint16_t port = 0;      // the peer's
    std::uint32_t peer_seq = 0;  // the peer's next sequence number
    std::uint32_t peer_ack = 0;  // what the peer acknowledges: A's next sequence number
};
Connection known[16];
std::size_t known_count = 0;
Connection *last_connection = nullptr; // the connection of the last seed, and how far an
std::uint32_t last_advance = 0;        // unmutated copy of it moves the peer's sequence
std::uint32_t dhcp_xid = 0;
std::uint64_t sent_a = 0, sent_b = 0, syn_acks = 0;

void watch_a(std::span<const std::uint8_t> frame) {
    ++sent_a;
    const auto ethernet_frame = parse_ethernet(frame);
    if (!ethernet_frame || ethernet_frame->type != ethertype_ipv4)
        return;
    const auto packet = parse_ipv4(ethernet_frame->payload);
    if (!packet || packet->protocol != proto_tcp || packet->payload.size() < 20)
        return;
    const auto segment = packet->payload;
    if (get16(segment, 0) != echo_port)
        return;
    if ((segment[13] & (tcp_syn | tcp_ack)) == (tcp_syn | tcp_ack)) {
        ++syn_acks;
        Connection &slot = known[known_count++ % std::size(known)];
        slot.port = get16(segment, 2);
        slot.peer_seq = get32(segment, 8);
        slot.peer_ack = get32(segment, 4) + 1;
        return;
    }
    const std::size_t header = (segment[12] >> 4) * 4u;
    for (auto &c : known) // A's data (the echo) and FIN, acknowledged by the next segment
        if (c.port == get16(segment, 2) && header <= segment.size())
            c.peer_ack = get32(segment, 4) + static_cast<std::uint32_t>(segment.size() - header) +
                         ((segment[13] & tcp_fin) != 0 ? 1 : 0);
}

void watch_b(std::span<const std::uint8_t> frame) {
    ++sent_b;
    const auto ethernet_frame = parse_ethernet(frame);
    if (!ethernet_frame || ethernet_frame->type != ethertype_ipv4)
        return;
    const auto packet = parse_ipv4(ethernet_frame->payload);
    if (!packet || packet->protocol != proto_udp || packet->payload.size() < 8 + 8)
        return;
    if (get16(packet->payload, 2) == 67)
        dhcp_xid = get32(packet->payload, 8 + 4);
}

// --- Seeds ---------------------------------------------------------------------------

Bytes to_a(std::uint8_t protocol, const Bytes &payload, std::uint16_t id = 1, std::uint16_t fragment = 0x4000) {
    return ethernet(a_mac, peer_mac, ethertype_ipv4, ipv4(peer_ip, a_ip, protocol, payload, id, fragment));
}

Bytes random_bytes(std::size_t n) {
    Bytes out(n);
    for (auto &byte : out)
        byte = static_cast<std::uint8_t>(rng());
    return out;
}

Bytes seed_for_a(std::size_t which) {
    const Bytes data = random_bytes(random_below(64));
    const auto peer_port = static_cast<std::uint16_t>(40000 + random_below(64));
    const Bytes mss_option{2, 4, 0x05, 0xb4};
    switch (which) {
    case 0: return ethernet(broadcast_mac, peer_mac, ethertype_arp, arp(1, peer_mac, peer_ip, Mac{}, a_ip));
    case 1: return ethernet(a_mac, peer_mac, ethertype_arp, arp(2, peer_mac, peer_ip, a_mac, a_ip));
    case 2: return to_a(proto_icmp, icmp_echo(static_cast<std::uint16_t>(rng()), 1, data));
    case 3: return to_a(proto_udp, udp(peer_ip, a_ip, peer_port, echo_port, data));
    case 4: return to_a(proto_udp, udp(peer_ip, a_ip, peer_port, 9, data)); // closed: ICMP unreachable
    case 5: return ethernet(broadcast_mac, peer_mac, ethertype_ipv4,
                            ipv4(peer_ip, Ip{10, 0, 2, 255}, proto_udp, udp(peer_ip, Ip{10, 0, 2, 255}, peer_port, echo_port, data)));
    case 6: return to_a(proto_tcp, tcp(peer_ip, a_ip, peer_port, echo_port, static_cast<std::uint32_t>(rng()), 0,
                                        tcp_syn, 8192, mss_option, {}));
    case 7: return to_a(proto_tcp, tcp(peer_ip, a_ip, peer_port, 9, static_cast<std::uint32_t>(rng()), 0, tcp_syn, 8192, {}, {}));
    case 8: { // a fragment: the first half with MF, or the second
        Bytes icmp = icmp_echo(5, 5, random_bytes(64));
        const bool first = random_below(2) == 0;
        Bytes part(first ? icmp.begin() : icmp.begin() + 40, first ? icmp.begin() + 40 : icmp.end());
        return to_a(proto_icmp, part, 0x77, first ? 0x2000 : 40 / 8);
    }
    case 9: { // IPv4 with options (IHL 6: a NOP list) carrying an echo request
        Bytes frame = to_a(proto_icmp, icmp_echo(6, 6, data));
        Bytes packet(frame.begin() + 14, frame.end());
        packet.insert(packet.begin() + 20, {1, 1, 1, 0});
        packet[0] = 0x46;
        packet[2] = static_cast<std::uint8_t>((get16(packet, 2) + 4) >> 8);
        packet[3] = static_cast<std::uint8_t>(get16(packet, 2) + 4);
        packet[10] = packet[11] = 0;
        const std::uint16_t sum = checksum(std::span(packet).first(24));
        packet[10] = static_cast<std::uint8_t>(sum >> 8);
        packet[11] = static_cast<std::uint8_t>(sum);
        return ethernet(a_mac, peer_mac, ethertype_ipv4, packet);
    }
    default: { // a segment of a connection A accepted: data, FIN, RST or a bare ACK
        if (known_count == 0)
            return seed_for_a(6);
        Connection &c = known[random_below(std::min(known_count, std::size(known)))];
        static constexpr std::uint8_t flags[] = {tcp_ack, tcp_ack | tcp_psh, tcp_ack | tcp_psh, tcp_ack | tcp_psh,
                                                 tcp_ack | tcp_fin, tcp_rst};
        const std::uint8_t flag = flags[random_below(std::size(flags))];
        const Bytes payload = flag == tcp_rst ? Bytes{} : random_bytes(random_below(1400));
        last_connection = &c;
        last_advance = static_cast<std::uint32_t>(payload.size()) + ((flag & tcp_fin) != 0 ? 1 : 0);
        return to_a(proto_tcp, tcp(peer_ip, a_ip, c.port, echo_port, c.peer_seq, c.peer_ack, flag, 8192, {}, payload));
    }
    }
}
constexpr std::size_t seeds_for_a = 14; // 10..13: segments of accepted connections

Bytes seed_for_b(std::size_t which) {
    const std::uint32_t xid = random_below(8) == 0 ? static_cast<std::uint32_t>(rng()) : dhcp_xid;
    const std::uint8_t type = which == 0 ? 2 : 5; // offer, ack
    const Bytes reply = dhcp_reply(type, xid, b_mac, dhcp_offered, dhcp_server, Ip{255, 255, 255, 0},
                                   dhcp_server, Ip{10, 0, 3, 3}, static_cast<std::uint32_t>(random_below(2) ? 86400 : 2));
    if (which == 2)
        return ethernet(broadcast_mac, peer_mac, ethertype_arp, arp(1, peer_mac, dhcp_server, Mac{}, dhcp_offered));
    return ethernet(broadcast_mac, peer_mac, ethertype_ipv4,
                    ipv4(dhcp_server, Ip{255, 255, 255, 255}, proto_udp, udp(dhcp_server, Ip{255, 255, 255, 255}, 67, 68, reply)));
}

// --- Mutations -----------------------------------------------------------------------

void fix_checksums(Bytes &frame) {
    if (frame.size() < 14 + 20 || get16(frame, 12) != ethertype_ipv4)
        return;
    std::span<std::uint8_t> packet = std::span(frame).subspan(14);
    const std::size_t header = (packet[0] & 0xf) * 4u;
    if (header < 20 || header > packet.size())
        return;
    packet[10] = packet[11] = 0;
    const std::uint16_t sum = checksum(packet.first(header));
    packet[10] = static_cast<std::uint8_t>(sum >> 8);
    packet[11] = static_cast<std::uint8_t>(sum);
    const std::size_t total = get16(packet, 2);
    if (total < header || total > packet.size() || (get16(packet, 6) & 0x3fff) != 0)
        return;
    std::span<std::uint8_t> body = packet.subspan(header, total - header);
    std::size_t at = 0;
    std::uint32_t pseudo = 0;
    const std::uint8_t protocol = packet[9];
    if (protocol == proto_icmp) {
        at = 2;
    } else if (protocol == proto_tcp || protocol == proto_udp) {
        at = protocol == proto_tcp ? 16 : 6;
        for (std::size_t i = 12; i < 20; i += 2)
            pseudo += get16(packet, i);
        pseudo += protocol + static_cast<std::uint32_t>(body.size());
    } else {
        return;
    }
    if (body.size() < at + 2)
        return;
    body[at] = body[at + 1] = 0;
    std::uint16_t sum2 = checksum(body, pseudo);
    if (protocol == proto_udp && sum2 == 0)
        sum2 = 0xffff;
    body[at] = static_cast<std::uint8_t>(sum2 >> 8);
    body[at + 1] = static_cast<std::uint8_t>(sum2);
}

void lie_about_a_length(Bytes &frame) {
    if (frame.size() < 14 + 20)
        return;
    const std::size_t ip = 14;
    const std::size_t header = (frame[ip] & 0xf) * 4u;
    const auto value = static_cast<std::uint16_t>(random_below(3) == 0 ? rng() : frame.size() - 14 + random_below(64) - 32);
    switch (random_below(4)) {
    case 0: frame[ip + 2] = static_cast<std::uint8_t>(value >> 8); frame[ip + 3] = static_cast<std::uint8_t>(value); break;
    case 1: frame[ip] = static_cast<std::uint8_t>(0x40 | random_below(16)); break;
    case 2: // UDP length
        if (frame.size() >= ip + header + 6) {
            frame[ip + header + 4] = static_cast<std::uint8_t>(value >> 8);
            frame[ip + header + 5] = static_cast<std::uint8_t>(value);
        }
        break;
    default: // TCP data offset
        if (frame.size() >= ip + header + 13)
            frame[ip + header + 12] = static_cast<std::uint8_t>(random_below(16) << 4);
        break;
    }
}

void mutate(Bytes &frame) {
    static constexpr std::uint8_t interesting[] = {0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x20};
    const std::size_t count = 1 + random_below(4);
    for (std::size_t i = 0; i < count; ++i) {
        switch (random_below(7)) {
        case 0:
            if (!frame.empty())
                frame[random_below(frame.size())] ^= static_cast<std::uint8_t>(1u << random_below(8));
            break;
        case 1:
            if (!frame.empty())
                frame[random_below(frame.size())] = static_cast<std::uint8_t>(rng());
            break;
        case 2:
            if (!frame.empty())
                frame[random_below(frame.size())] = interesting[random_below(std::size(interesting))];
            break;
        case 3: frame.resize(random_below(frame.size() + 1)); break;
        case 4: {
            const Bytes more = random_bytes(random_below(random_below(4) == 0 ? 2048 : 64));
            frame.insert(frame.end(), more.begin(), more.end());
            break;
        }
        case 5: lie_about_a_length(frame); break;
        default: // a mutation near the headers, where the parsing is
            if (frame.size() > 14)
                frame[14 + random_below(std::min<std::size_t>(frame.size() - 14, 60))] ^= static_cast<std::uint8_t>(rng());
            break;
        }
    }
    if (frame.size() > harness::net::buffer_size)
        frame.resize(harness::net::buffer_size);
    if (random_below(2) == 0)
        fix_checksums(frame);
}

std::uint32_t fuzz_random(void *) noexcept { return static_cast<std::uint32_t>(rng()); }

int fail(const char *what) {
    std::fprintf(stderr, "lwip.fuzz: FAILED: %s\n", what);
    return 1;
}

} // namespace

int main(int argc, char **argv) {
    std::uint64_t frame_count = 100000, seed = 14;
    bool leak_one = false; // --leak-one-pbuf: the check of the check (lwip.fuzz-finds-leaks)
    for (int i = 1; i < argc; ++i) {
        const std::string_view option = argv[i];
        if (option == "--leak-one-pbuf") {
            leak_one = true;
            continue;
        }
        if (i + 1 >= argc)
            break;
        if (option == "--frames")
            frame_count = std::strtoull(argv[i + 1], nullptr, 10);
        else if (option == "--seed")
            seed = std::strtoull(argv[i + 1], nullptr, 10);
        ++i;
    }
    rng.seed(seed);
    const auto started = std::chrono::steady_clock::now();

    lwip::init();
    lwip::set_clock(harness::fake_clock, nullptr);
    lwip::set_random(fuzz_random, nullptr);
    const lwip::Usage baseline = lwip::usage();

    std::uint64_t bound_times = 0, mutated = 0;
    lwip::NetifCounters a_counters, b_counters;
    {
        harness::Driver driver_a, driver_b;
        lwip::Netif a(driver_a.config(a_mac));
        lwip::Netif b(driver_b.config(b_mac));
        if (!a.start(lwip::Ipv4Address::from(10, 0, 2, 15), lwip::Ipv4Address::from(255, 255, 255, 0),
                     lwip::Ipv4Address::from(10, 0, 2, 2)) ||
            !b.start())
            return fail("the netifs did not start");
        a.set_default();
        if (dhcp_start(b.get()) != ERR_OK)
            return fail("dhcp_start");

        struct tcp_pcb *listener = tcp_new();
        if (listener == nullptr || tcp_bind(listener, IP4_ADDR_ANY, echo_port) != ERR_OK)
            return fail("tcp listener");
        listener = tcp_listen(listener);
        tcp_accept(listener, accept_connection);
        struct udp_pcb *udp_socket = udp_new();
        if (udp_socket == nullptr || udp_bind(udp_socket, IP4_ADDR_ANY, echo_port) != ERR_OK)
            return fail("udp socket");
        udp_recv(udp_socket, udp_echo, nullptr);

        if (leak_one)
            (void)pbuf_alloc(PBUF_RAW, 100, PBUF_POOL);
        bool was_bound = false;
        for (std::uint64_t n = 0; n < frame_count; ++n) {
            const bool for_b = random_below(5) == 0;
            harness::Driver &driver = for_b ? driver_b : driver_a;
            lwip::Netif &netif = for_b ? b : a;
            last_connection = nullptr;
            Bytes frame = for_b ? seed_for_b(random_below(3)) : seed_for_a(random_below(seeds_for_a));
            if (random_below(4) != 0) { // some seeds go in unchanged, so the conversations advance
                mutate(frame);
                ++mutated;
            } else if (last_connection != nullptr) {
                last_connection->peer_seq += last_advance;
            }
            if (frame.empty())
                frame.push_back(0); // a length of 0 is a bad descriptor, not a frame
            if (!driver.inject(frame)) {
                netif.poll();
                if (!driver.inject(frame))
                    return fail("rx free stayed empty: the netif lost rx buffers");
            }
            if (random_below(4) == 0)
                netif.poll();
            if (random_below(4096) == 0) // now and then a descriptor that names no buffer
                (void)driver.rx.active.enqueue({.io_or_offset = rng() | 1, .len = static_cast<std::uint16_t>(rng())});
            for (const auto &sent : driver_a.take_sent())
                watch_a(sent);
            for (const auto &sent : driver_b.take_sent())
                watch_b(sent);
            harness::fake_now_ns += random_below(50) * 1'000'000;
            lwip::check_timeouts();
            const bool bound = dhcp_supplied_address(b.get()) != 0;
            if (bound && !was_bound)
                ++bound_times;
            was_bound = bound;
        }
        a.poll();
        b.poll();
        driver_a.drop_sent();
        driver_b.drop_sent();

        // Close everything, then let lwIP's timers finish TIME_WAIT, reassembly and ARP.
        for (auto &slot : connections)
            if (slot != nullptr)
                tcp_abort(slot); // clears the slot through closed_on_error
        tcp_close(listener);
        udp_remove(udp_socket);
        dhcp_release_and_stop(b.get());
        dhcp_cleanup(b.get());
        a_counters = a.counters();
        b_counters = b.counters();
        for (int step = 0; step < 2400; ++step) { // ten minutes in quarter seconds
            harness::fake_now_ns += 250'000'000;
            lwip::check_timeouts();
            a.poll();
            b.poll();
            driver_a.drop_sent();
            driver_b.drop_sent();
        }
    } // the netifs are removed here
    for (int step = 0; step < 2400; ++step) {
        harness::fake_now_ns += 250'000'000;
        lwip::check_timeouts();
    }

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const lwip::Usage end = lwip::usage();
    std::printf("lwip.fuzz: %llu frames (%llu mutated) in %.2f s, seed %llu\n", static_cast<unsigned long long>(frame_count),
                static_cast<unsigned long long>(mutated), seconds, static_cast<unsigned long long>(seed));
    std::printf("  A: rx %llu, tx %llu, bad descriptors %llu, rx dropped %llu; B: rx %llu, tx %llu\n",
                static_cast<unsigned long long>(a_counters.rx_frames), static_cast<unsigned long long>(a_counters.tx_frames),
                static_cast<unsigned long long>(a_counters.bad_descriptors + b_counters.bad_descriptors),
                static_cast<unsigned long long>(a_counters.rx_dropped), static_cast<unsigned long long>(b_counters.rx_frames),
                static_cast<unsigned long long>(b_counters.tx_frames));
    std::printf("  TCP: %llu SYN-ACKs, %llu accepted, %llu bytes echoed; UDP: %llu echoed; DHCP bound %llu times\n",
                static_cast<unsigned long long>(syn_acks), static_cast<unsigned long long>(accepted),
                static_cast<unsigned long long>(tcp_bytes_echoed), static_cast<unsigned long long>(udp_echoed),
                static_cast<unsigned long long>(bound_times));
    std::printf("  lwIP: IP drops %u (checksum %u, length %u, protocol %u), TCP drops %u, UDP drops %u, ARP drops %u\n",
                unsigned{lwip_stats.ip.drop}, unsigned{lwip_stats.ip.chkerr}, unsigned{lwip_stats.ip.lenerr},
                unsigned{lwip_stats.ip.proterr}, unsigned{lwip_stats.tcp.drop}, unsigned{lwip_stats.udp.drop},
                unsigned{lwip_stats.etharp.drop});
    std::printf("  memory: heap %zu/%zu bytes at most, pbuf pool %u/%u at most; now heap %zu (was %zu), pool elements %u (was %u)\n",
                end.heap_max, end.heap_size, end.pbuf_pool_max, end.pbuf_pool_size, end.heap_used, baseline.heap_used,
                end.pool_elements_used, baseline.pool_elements_used);

    bool leaked = end.heap_used != baseline.heap_used || end.pool_elements_used != baseline.pool_elements_used;
    for (int pool = 0; pool < MEMP_MAX; ++pool) {
        const stats_mem *stats = lwip_stats.memp[pool];
        if (stats != nullptr && pool != MEMP_SYS_TIMEOUT && stats->used != 0)
            std::printf("  pool %d: %u in use\n", pool, unsigned{stats->used});
    }
    if (leaked)
        return fail("lwIP's heap or pools are not back where they were: a leak");
    if (accepted == 0 || syn_acks == 0 || tcp_bytes_echoed == 0 || udp_echoed == 0 || bound_times == 0 ||
        a_counters.tx_frames < frame_count / 10)
        return fail("the frames did not reach lwIP's protocols (no connection, echo or DHCP lease)");
    std::printf("lwip.fuzz: passed\n");
    return 0;
}
