// sel4::lwip::Netif over sDDF queues in host memory: ARP and ICMP answered, descriptors from
// the driver checked, oversize frames dropped, frames waiting for tx buffers, the sDDF
// signalling, and lwIP's pools back where they were.
#include "frames.hpp"
#include "harness.hpp"

#include <sel4/lwip.hpp>

#include <lwip/pbuf.h>
#include <lwip/stats.h>

#include <gtest/gtest.h>

namespace {

using namespace frames;
namespace lwip = sel4::lwip;

constexpr Mac our_mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr Ip our_ip{10, 0, 2, 15};
constexpr Mac peer_mac{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
constexpr Ip peer_ip{10, 0, 2, 2};

class NetifTest : public ::testing::Test {
protected:
    void SetUp() override {
        lwip::init();
        lwip::set_clock(harness::fake_clock, nullptr);
        before = lwip::usage();
        ASSERT_TRUE(netif.start(lwip::Ipv4Address::from(10, 0, 2, 15), lwip::Ipv4Address::from(255, 255, 255, 0),
                                lwip::Ipv4Address::from(10, 0, 2, 2)));
        // Going up announces the address: a gratuitous ARP.
        const auto sent = driver.take_sent();
        ASSERT_EQ(sent.size(), 1u);
        const auto frame = parse_ethernet(sent[0]);
        ASSERT_TRUE(frame);
        EXPECT_EQ(frame->destination, broadcast_mac);
        EXPECT_EQ(frame->type, ethertype_arp);
    }

    // The peer's ARP request for our address, answered; the peer is then in the ARP table.
    void resolve_peer() {
        ASSERT_TRUE(driver.inject(ethernet(broadcast_mac, peer_mac, ethertype_arp, arp(1, peer_mac, peer_ip, Mac{}, our_ip))));
        netif.poll();
        ASSERT_EQ(driver.take_sent().size(), 1u);
    }

    lwip::Usage before;
    harness::Driver driver;
    lwip::Netif netif{driver.config(our_mac)};
};

TEST_F(NetifTest, StartGivesTheDriverEveryBuffer) {
    EXPECT_EQ(driver.rx.free.length(), harness::capacity);
    EXPECT_EQ(driver.tx.free.length(), harness::capacity);
    EXPECT_EQ(driver.notified, 1u);
    EXPECT_EQ(netif.start(), std::unexpected(lwip::NetifError::already_started));
    EXPECT_EQ(netif.get()->mtu, 1500);
    EXPECT_EQ(netif.mac(), lwip::MacAddress{our_mac});
    EXPECT_EQ(lwip::MacAddress::from_u64(0x563412005452).bytes, our_mac);
    EXPECT_EQ(lwip::MacAddress::from_u64(0x563412005452).to_text().view(), "52:54:00:12:34:56");
    static_assert(lwip::MacAddress::from_u64(0x0f0e0d0c0b0a).to_text().view() == "0a:0b:0c:0d:0e:0f");
    EXPECT_EQ(lwip::MacAddress{our_mac}.to_u64(), 0x563412005452u);
}

TEST_F(NetifTest, ArpRequestGetsAReply) {
    ASSERT_TRUE(driver.inject(ethernet(broadcast_mac, peer_mac, ethertype_arp, arp(1, peer_mac, peer_ip, Mac{}, our_ip))));
    EXPECT_EQ(netif.poll(), 1u);
    EXPECT_EQ(driver.rx.free.length(), harness::capacity); // the buffer is back
    const auto sent = driver.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    const auto frame = parse_ethernet(sent[0]);
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->destination, peer_mac);
    EXPECT_EQ(frame->source, our_mac);
    ASSERT_EQ(frame->type, ethertype_arp);
    const Bytes reply = arp(2, our_mac, our_ip, peer_mac, peer_ip);
    ASSERT_GE(frame->payload.size(), reply.size());
    EXPECT_TRUE(std::equal(reply.begin(), reply.end(), frame->payload.begin()));
    EXPECT_EQ(netif.counters().rx_frames, 1u);
    EXPECT_EQ(netif.counters().tx_frames, 2u); // the gratuitous ARP and the reply
    EXPECT_EQ(netif.counters().bad_descriptors, 0u);
}

TEST_F(NetifTest, ArpRequestForAnotherAddressIsIgnored) {
    ASSERT_TRUE(driver.inject(ethernet(broadcast_mac, peer_mac, ethertype_arp, arp(1, peer_mac, peer_ip, Mac{}, Ip{10, 0, 2, 99}))));
    netif.poll();
    EXPECT_TRUE(driver.take_sent().empty());
}

TEST_F(NetifTest, IcmpEchoRequestGetsAReply) {
    resolve_peer();
    const Bytes data{'p', 'i', 'n', 'g', 0, 1, 2, 3, 4, 5, 6, 7};
    ASSERT_TRUE(driver.inject(ethernet(our_mac, peer_mac, ethertype_ipv4, ipv4(peer_ip, our_ip, proto_icmp, icmp_echo(0x1234, 7, data)))));
    netif.poll();
    const auto sent = driver.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    const auto frame = parse_ethernet(sent[0]);
    ASSERT_TRUE(frame);
    EXPECT_EQ(frame->destination, peer_mac);
    ASSERT_EQ(frame->type, ethertype_ipv4);
    const auto packet = parse_ipv4(frame->payload);
    ASSERT_TRUE(packet);
    EXPECT_EQ(packet->source, our_ip);
    EXPECT_EQ(packet->destination, peer_ip);
    ASSERT_EQ(packet->protocol, proto_icmp);
    ASSERT_EQ(packet->payload.size(), 8 + data.size());
    EXPECT_EQ(packet->payload[0], 0); // echo reply
    EXPECT_EQ(get16(packet->payload, 4), 0x1234);
    EXPECT_EQ(get16(packet->payload, 6), 7);
    EXPECT_TRUE(std::equal(data.begin(), data.end(), packet->payload.begin() + 8));
    EXPECT_EQ(checksum(packet->payload), 0); // a valid checksum sums to 0xffff
    EXPECT_EQ(checksum(frame->payload.first(20)), 0);
}

TEST_F(NetifTest, IcmpWithABadChecksumIsDropped) {
    resolve_peer();
    Bytes packet = ipv4(peer_ip, our_ip, proto_icmp, icmp_echo(1, 1, Bytes{1, 2, 3}));
    packet[20 + 2] ^= 0x55;
    ASSERT_TRUE(driver.inject(ethernet(our_mac, peer_mac, ethertype_ipv4, packet)));
    netif.poll();
    EXPECT_TRUE(driver.take_sent().empty());
}

TEST_F(NetifTest, BadRxOffsetsAreCountedAndNeverFollowed) {
    const std::uint32_t free_before = driver.rx.free.length();
    // Not a buffer boundary, past the region, and far past it.
    for (std::uint64_t offset : {std::uint64_t{12345}, std::uint64_t{harness::data_bytes}, ~std::uint64_t{0} - 2047})
        ASSERT_TRUE(driver.rx.active.enqueue({.io_or_offset = offset, .len = 60}));
    EXPECT_EQ(netif.poll(), 3u);
    EXPECT_EQ(netif.counters().bad_descriptors, 3u);
    EXPECT_EQ(netif.counters().rx_frames, 0u);
    EXPECT_EQ(driver.rx.free.length(), free_before); // none of them went to rx free
    // The netif still works.
    resolve_peer();
    EXPECT_EQ(netif.counters().rx_frames, 1u);
}

TEST_F(NetifTest, BadRxLengthsReturnTheBuffer) {
    auto zero = driver.rx.free.dequeue();
    auto huge = driver.rx.free.dequeue();
    ASSERT_TRUE(zero && huge);
    zero->len = 0;
    huge->len = 4000; // over the 2048-byte buffer
    ASSERT_TRUE(driver.rx.active.enqueue(*zero));
    ASSERT_TRUE(driver.rx.active.enqueue(*huge));
    netif.poll();
    EXPECT_EQ(netif.counters().bad_descriptors, 2u);
    EXPECT_EQ(driver.rx.free.length(), harness::capacity); // both back
}

TEST_F(NetifTest, TheSameBufferTwiceIsHarmless) {
    // A confused driver puts one buffer into rx active twice: two frames, the buffer back
    // once per frame as far as rx free has room, nothing outside the region touched.
    auto buffer = driver.rx.free.dequeue();
    ASSERT_TRUE(buffer);
    const Bytes frame = ethernet(broadcast_mac, peer_mac, ethertype_arp, arp(1, peer_mac, peer_ip, Mac{}, our_ip));
    (void)driver.rx_data.copy_in(buffer->io_or_offset, std::as_bytes(std::span(frame)));
    buffer->len = static_cast<std::uint16_t>(frame.size());
    ASSERT_TRUE(driver.rx.active.enqueue(*buffer));
    ASSERT_TRUE(driver.rx.active.enqueue(*buffer));
    netif.poll();
    EXPECT_EQ(netif.counters().rx_frames, 2u);
    EXPECT_EQ(driver.rx.free.length(), harness::capacity);
    EXPECT_EQ(driver.take_sent().size(), 2u);
}

TEST_F(NetifTest, BadTxFreeDescriptorsAreSkipped) {
    // Empty tx free, then hand it garbage and one real buffer.
    std::vector<harness::net::BufferDescriptor> held;
    while (auto buffer = driver.tx.free.dequeue())
        held.push_back(*buffer);
    ASSERT_TRUE(driver.tx.free.enqueue({.io_or_offset = 77, .len = 0}));
    ASSERT_TRUE(driver.tx.free.enqueue({.io_or_offset = harness::data_bytes * 4, .len = 0}));
    ASSERT_TRUE(driver.tx.free.enqueue(held[0]));
    resolve_peer();
    EXPECT_EQ(netif.counters().bad_descriptors, 2u);
}

TEST_F(NetifTest, OversizeFramesAreDroppedAndCounted) {
    struct pbuf *frame = pbuf_alloc(PBUF_RAW, 3000, PBUF_RAM);
    ASSERT_NE(frame, nullptr);
    EXPECT_EQ(netif.get()->linkoutput(netif.get(), frame), ERR_IF);
    pbuf_free(frame);
    EXPECT_EQ(netif.counters().tx_oversize, 1u);
    EXPECT_EQ(netif.counters().tx_frames, 1u); // the gratuitous ARP only
    EXPECT_TRUE(driver.take_sent().empty());

    // A full 2048-byte frame fits; a chain is gathered into one buffer.
    struct pbuf *chain = pbuf_alloc(PBUF_RAW, 2048, PBUF_POOL);
    ASSERT_NE(chain, nullptr);
    ASSERT_NE(chain->next, nullptr);
    Bytes pattern(2048);
    for (std::size_t i = 0; i < pattern.size(); ++i)
        pattern[i] = static_cast<std::uint8_t>(i * 7);
    ASSERT_EQ(pbuf_take(chain, pattern.data(), 2048), ERR_OK);
    EXPECT_EQ(netif.get()->linkoutput(netif.get(), chain), ERR_OK);
    pbuf_free(chain);
    const auto sent = driver.take_sent();
    ASSERT_EQ(sent.size(), 1u);
    EXPECT_EQ(sent[0], pattern);
}

TEST_F(NetifTest, OversizeRxFramesWithinABufferReachLwip) {
    // 2000 bytes in one buffer: copied into a chain of pool pbufs; lwIP drops the junk.
    Bytes frame = ethernet(our_mac, peer_mac, ethertype_ipv4, Bytes(1986, 0xab));
    ASSERT_EQ(frame.size(), 2000u);
    ASSERT_TRUE(driver.inject(frame));
    netif.poll();
    EXPECT_EQ(netif.counters().rx_frames, 1u);
    EXPECT_EQ(netif.counters().rx_bytes, 2000u);
    EXPECT_TRUE(driver.take_sent().empty());
}

TEST_F(NetifTest, FramesWaitForTxBuffersInOrder) {
    resolve_peer();
    std::vector<harness::net::BufferDescriptor> held;
    while (auto buffer = driver.tx.free.dequeue())
        held.push_back(*buffer);
    for (std::uint16_t sequence = 0; sequence < 3; ++sequence)
        ASSERT_TRUE(driver.inject(ethernet(our_mac, peer_mac, ethertype_ipv4,
                                           ipv4(peer_ip, our_ip, proto_icmp, icmp_echo(9, sequence, Bytes{1})))));
    netif.poll();
    EXPECT_EQ(netif.counters().tx_queued, 3u);
    EXPECT_TRUE(driver.tx.free.signal_requested()); // the netif waits for tx buffers
    EXPECT_TRUE(driver.take_sent().empty());

    for (const auto &buffer : held)
        ASSERT_TRUE(driver.tx.free.enqueue(buffer));
    netif.poll(); // as from notified(): the waiting frames go out
    const auto sent = driver.take_sent();
    ASSERT_EQ(sent.size(), 3u);
    for (std::uint16_t sequence = 0; sequence < 3; ++sequence) {
        const auto packet = parse_ipv4(parse_ethernet(sent[sequence])->payload);
        ASSERT_TRUE(packet);
        EXPECT_EQ(get16(packet->payload, 6), sequence);
    }
}

TEST_F(NetifTest, NotifiesTheDriverOnlyWhenAsked) {
    const std::uint64_t at_start = driver.notified;
    driver.rx.free.cancel_signal();
    driver.tx.active.cancel_signal();
    resolve_peer();
    EXPECT_EQ(driver.notified, at_start); // the driver asked for nothing

    driver.tx.active.request_signal(); // the driver waits for tx frames
    resolve_peer();
    EXPECT_EQ(driver.notified, at_start + 1);
    resolve_peer(); // the request was taken
    EXPECT_EQ(driver.notified, at_start + 1);

    driver.rx.free.request_signal(); // the driver ran out of rx buffers
    driver.tx.active.request_signal();
    resolve_peer();
    EXPECT_EQ(driver.notified, at_start + 2); // once for both
}

TEST_F(NetifTest, PollAsksForTheNextRxSignal) {
    driver.rx.active.cancel_signal();
    netif.poll();
    EXPECT_TRUE(driver.rx.active.signal_requested());
}

TEST_F(NetifTest, PoolsAreBackAfterTheNetifGoes) {
    resolve_peer();
    const Bytes data(1000, 0x5a);
    for (std::uint16_t i = 0; i < 20; ++i)
        ASSERT_TRUE(driver.inject(ethernet(our_mac, peer_mac, ethertype_ipv4, ipv4(peer_ip, our_ip, proto_icmp, icmp_echo(3, i, data)))));
    netif.poll();
    EXPECT_EQ(driver.take_sent().size(), 20u);
    const lwip::Usage now = lwip::usage();
    EXPECT_EQ(now.pool_elements_used, before.pool_elements_used);
    EXPECT_EQ(now.heap_used, before.heap_used);
    EXPECT_EQ(now.pbuf_pool_used, 0u);
    EXPECT_EQ(now.pbuf_pool_size, PBUF_POOL_SIZE);
    EXPECT_EQ(now.heap_size, std::size_t{MEM_SIZE});
}

TEST(LwipPort, ClockAndTimeouts) {
    lwip::init();
    harness::fake_now_ns = 5'000'000'123;
    lwip::set_clock(harness::fake_clock, nullptr);
    EXPECT_EQ(lwip::now_ms(), 5000u);
    const auto next = lwip::next_timeout();
    ASSERT_TRUE(next); // TCP's and ARP's cyclic timers
    EXPECT_LE(*next, 1000u);
    harness::fake_now_ns += 10'000'000'000;
    lwip::check_timeouts();
    harness::fake_now_ns = 0;
}

TEST(LwipPort, RandomHook) {
    static std::uint32_t counter = 41;
    lwip::set_random([](void *context) noexcept { return ++*static_cast<std::uint32_t *>(context); }, &counter);
    EXPECT_EQ(LWIP_RAND(), 42u);
    EXPECT_EQ(LWIP_RAND(), 43u);
    lwip::set_random(nullptr, nullptr);
    EXPECT_NE(LWIP_RAND(), LWIP_RAND());
}

TEST(LwipPort, Ipv4Address) {
    const auto address = lwip::Ipv4Address::from(192, 168, 1, 20);
    const ip4_addr_t lwip_form = address.to_lwip();
    EXPECT_EQ(lwip_form.addr, lwip_htonl(0xc0a80114));
    EXPECT_EQ(lwip::Ipv4Address::from_lwip(lwip_form), address);
    EXPECT_TRUE(lwip::Ipv4Address{}.is_any());
}

} // namespace
