// sel4::net's Stack over its own sel4::lwip::Netif and sDDF queues in host memory, with the
// test as the driver and the network behind it (libs/lwip's harness and frame builders): a
// DHCP lease (discover, offer, request, ack, lwIP's ARP check of the address on its timers),
// the lease's text, then a UDP datagram to the gateway that waits for ARP's answer.
#include "frames.hpp"
#include "harness.hpp"

#include <sel4/net.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

namespace {

using namespace sel4;
using namespace std::chrono_literals;

class FakeClock final : public async::Clock {
public:
    async::Instant now() noexcept override { return now_; }
    void set_timeout(async::Instant) noexcept override {}
    void advance(async::Duration by) noexcept { now_ = now_ + by; }

private:
    async::Instant now_ = async::Instant::from_nanoseconds(5'000'000'000);
};

constexpr frames::Mac our_mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr frames::Mac peer_mac{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
constexpr frames::Ip offered{10, 0, 2, 15};
constexpr frames::Ip gateway{10, 0, 2, 2};
constexpr frames::Ip dns{10, 0, 2, 3};

/// The DHCP message type (option 53) of a BOOTP message, or 0.
std::uint8_t dhcp_type(std::span<const std::uint8_t> bootp) {
    for (std::size_t at = 240; at + 1 < bootp.size();) {
        const std::uint8_t option = bootp[at];
        if (option == 255)
            break;
        if (option == 0) {
            ++at;
            continue;
        }
        if (option == 53 && at + 2 < bootp.size())
            return bootp[at + 2];
        at += 2u + bootp[at + 1];
    }
    return 0;
}

/// The network behind the driver: a DHCP server and a gateway that answers ARP, and a record
/// of the UDP datagrams that reached it.
struct Network {
    harness::Driver &driver;
    int offers = 0;
    int acks = 0;
    int arp_replies = 0;
    std::vector<frames::Bytes> datagrams; ///< UDP payloads sent to the gateway's port 9.

    void answer() {
        for (const frames::Bytes &frame : driver.take_sent()) {
            const auto ethernet = frames::parse_ethernet(frame);
            if (!ethernet)
                continue;
            if (ethernet->type == frames::ethertype_arp && ethernet->payload.size() >= 28 &&
                frames::get16(ethernet->payload, 6) == 1) {
                const frames::Ip target{ethernet->payload[24], ethernet->payload[25], ethernet->payload[26],
                                        ethernet->payload[27]};
                if (target != gateway)
                    continue; // lwIP's probe of its offered address: nobody has it
                const frames::Ip sender{ethernet->payload[14], ethernet->payload[15], ethernet->payload[16],
                                        ethernet->payload[17]};
                driver.inject(frames::ethernet(our_mac, peer_mac, frames::ethertype_arp,
                                               frames::arp(2, peer_mac, gateway, our_mac, sender)));
                ++arp_replies;
                continue;
            }
            if (ethernet->type != frames::ethertype_ipv4)
                continue;
            const auto packet = frames::parse_ipv4(ethernet->payload);
            if (!packet || packet->protocol != frames::proto_udp || packet->payload.size() < 8)
                continue;
            const std::uint16_t port = frames::get16(packet->payload, 2);
            const auto body = packet->payload.subspan(8);
            if (port == 9) {
                datagrams.emplace_back(body.begin(), body.end());
                continue;
            }
            if (port != 67 || body.size() < 240)
                continue;
            const std::uint32_t xid = frames::get32(body, 4);
            const std::uint8_t type = dhcp_type(body);
            if (type != 1 && type != 3) // discover, request
                continue;
            const frames::Bytes reply = frames::dhcp_reply(type == 1 ? 2 : 5, xid, our_mac, offered, gateway,
                                                           frames::Ip{255, 255, 255, 0}, gateway, dns, 3600);
            driver.inject(frames::ethernet(
                frames::broadcast_mac, peer_mac, frames::ethertype_ipv4,
                frames::ipv4(gateway, frames::Ip{255, 255, 255, 255}, frames::proto_udp,
                             frames::udp(gateway, frames::Ip{255, 255, 255, 255}, 67, 68, reply))));
            ++(type == 1 ? offers : acks);
        }
    }
};

async::Task<net::Result<net::Lease>> bound(net::Stack &stack) { co_return co_await stack.dhcp_bound(); }

TEST(NetDevice, DhcpLeaseThenUdpThroughTheDriver) {
    async::FramePool<256 * 1024> pool;
    FakeClock clock;
    async::Timers timers(clock);
    harness::Driver driver;
    net::Stack stack(driver.rx, driver.tx, driver.rx_data, driver.tx_data, lwip::MacAddress{our_mac}, timers,
                     {&harness::Driver::notify, &driver});
    async::Executor executor;
    Network network{driver, 0, 0, 0, {}};
    ASSERT_NE(stack.netif(), nullptr);
    EXPECT_FALSE(stack.lease());

    ASSERT_TRUE(stack.start_dhcp());
    auto lease = executor.spawn(bound(stack));
    ASSERT_TRUE(lease);
    const auto step = [&](async::Duration by) {
        clock.advance(by);
        timers.poll();
        stack.poll();
        executor.run_until_stalled();
        network.answer();
        stack.poll();
        executor.run_until_stalled();
    };
    for (int i = 0; i < 300 && !lease->done(); ++i) // lwIP's DHCP and its ARP check run on the timers
        step(100ms);
    ASSERT_TRUE(lease->done());
    auto got = lease->take();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->to_text().view(), "address 10.0.2.15/24, gateway 10.0.2.2, DNS 10.0.2.3");
    EXPECT_EQ(network.offers, 1);
    EXPECT_EQ(network.acks, 1);
    EXPECT_GT(stack.stats().lwip_timeout_runs, 0u);

    auto socket = net::UdpSocket::bind(stack, 4000);
    ASSERT_TRUE(socket);
    const std::uint8_t hello[] = {'h', 'e', 'l', 'l', 'o'};
    ASSERT_TRUE(socket->send_to(std::as_bytes(std::span(hello)), net::Endpoint{{10, 0, 2, 2}, 9}));
    for (int i = 0; i < 10 && network.datagrams.empty(); ++i)
        step(10ms);
    EXPECT_EQ(network.arp_replies, 1);
    ASSERT_EQ(network.datagrams.size(), 1u);
    EXPECT_EQ(network.datagrams[0], frames::Bytes(hello, hello + 5));
    EXPECT_GT(driver.notified, 0u);
    EXPECT_GT(stack.netif()->counters().tx_frames, 3u);
}

} // namespace
