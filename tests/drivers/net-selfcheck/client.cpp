// net.virtio-driver's client PD: the virtio-net driver checked end to end on QEMU's user
// network (slirp), with the client side of <sel4/drivers/net.hpp> and nothing else:
//   1. the queues attached and every buffer put in its free queue; the MAC by net::GetMac;
//   2. an ARP request (broadcast) for the gateway 10.0.2.2 sent from 10.0.2.15;
//   3. frames from rx active until slirp's ARP reply (to our MAC, 10.0.2.2's address), each
//      buffer returned to rx free; the sent buffer back in tx free;
//   4. what the driver must refuse: an rx buffer outside the data region (the first in rx
//      free) and a tx frame of 3000 bytes, each handed back (rx active with length 0; tx
//      free), never given to the device;
//   5. 2000 more ARP requests, at most 64 unanswered, each answered: the rings wrap many
//      times (128 rx buffers in the device at once, 256 in all);
// then the counts (and on aarch64 the round trips per second) and the success line.
#include <sel4/debug.hpp>
#include <sel4/drivers/net.hpp>
#include <sel4/drivers/net/client_regions.hpp>
#include <sel4/microkit.hpp>
#include <sel4/runtime/abort.hpp>
#include <sel4/shared_memory.hpp>
#include <test_support/ticks.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace mk = sel4::microkit;
namespace net = sel4::drivers::net;
namespace sm = sel4::shared_memory;
namespace qnet = sel4::queue::net;

namespace {

const mk::Channel driver(1); // the standard net channel (drivers/systems.cmake)
constexpr std::array<std::uint8_t, 4> our_ip{10, 0, 2, 15};
constexpr std::array<std::uint8_t, 4> gateway_ip{10, 0, 2, 2};
constexpr std::uint64_t bad_rx_offset = 0x7ff00; // inside no whole buffer of the region
constexpr std::uint16_t oversized = 3000;

using test_support::tick_rate;
using test_support::ticks;

[[noreturn]] void fail(const char *what, std::uint64_t detail = 0) noexcept {
    sel4::debug::println("net-selfcheck: FAIL: {} ({:#x})", what, detail);
    sel4_runtime::fatal("net-selfcheck: ", what);
}

struct Client : mk::Handler {
    net::Queues queues;
    sm::Region rx_data = net::client_regions().rx_data;
    sm::Region tx_data = net::client_regions().tx_data;
    std::array<std::uint8_t, 6> mac{};
    enum class Phase { arp, refusals, flood, done } phase = Phase::arp;
    static constexpr std::uint64_t flood_requests = 2000; // ARP requests, at most 64 unanswered
    std::uint64_t flood_sent = 0, flood_replies = 0, flood_start = 0;
    std::uint64_t frames = 0;
    std::uint64_t bad_tx_offset = ~std::uint64_t{0};
    bool bad_tx_back = false, bad_rx_back = false;
    bool kick = false;

    static net::Queues attach() {
        auto queues = net::client_regions().attach();
        if (!queues)
            fail("the queues do not attach");
        return *queues;
    }

    Client() : queues(attach()) {
        // First an rx buffer the driver must refuse (the region holds no whole buffer at its
        // offset), then all but one of the real ones.
        if (!queues.rx.free.enqueue({.io_or_offset = bad_rx_offset, .len = 0, .oid = 0}))
            fail("rx free is full");
        if (queues.rx.fill_free(0, net::buffer_count - 1) != net::buffer_count - 1 ||
            queues.tx.fill_free(0, net::buffer_count) != net::buffer_count)
            fail("the free queues do not take the buffers");
        auto reply = net::get_mac(driver);
        if (!reply)
            fail("net::GetMac");
        for (unsigned i = 0; i < 6; ++i)
            mac[i] = reply->byte(i);
        sel4::debug::println("net-selfcheck: MAC {}", reply->text().data());
        if ((mac[0] & 1) != 0 || reply->mac == 0)
            fail("the MAC is not a unicast address", reply->mac);
        if (queues.rx.free.should_notify())
            kick = true;
        send_arp_request();
        (void)queues.rx.active.request_signal_if_empty();
        (void)queues.tx.free.request_signal_if_empty();
        flush();
    }

    void flush() {
        if (kick) {
            kick = false;
            driver.defer_notify();
        }
    }

    // The tx buffers that are ours (from tx free), most recently returned last.
    std::array<std::uint64_t, net::buffer_count> tx_spare{};
    std::size_t tx_spare_count = 0;

    void take_back_tx() {
        while (auto buffer = queues.tx.free.dequeue()) {
            if (tx_spare_count == tx_spare.size())
                fail("tx free returned more buffers than there are");
            if (phase == Phase::refusals && buffer->io_or_offset == bad_tx_offset)
                bad_tx_back = true;
            tx_spare[tx_spare_count++] = buffer->io_or_offset;
        }
    }
    std::optional<qnet::BufferDescriptor> take_tx() {
        if (tx_spare_count == 0)
            take_back_tx();
        if (tx_spare_count == 0)
            return std::nullopt;
        return qnet::BufferDescriptor{.io_or_offset = tx_spare[--tx_spare_count], .len = 0, .oid = 0};
    }

    void send(std::span<const std::byte> frame) {
        auto buffer = take_tx();
        if (!buffer)
            fail("no tx buffer");
        if (!tx_data.copy_in(buffer->io_or_offset, frame))
            fail("a tx buffer outside the data region", buffer->io_or_offset);
        if (!queues.tx.active.enqueue({.io_or_offset = buffer->io_or_offset,
                                       .len = static_cast<std::uint16_t>(frame.size()), .oid = 0}))
            fail("tx active is full");
        kick |= queues.tx.active.should_notify();
    }

    void send_arp_request(bool say = true) {
        std::array<std::byte, 60> frame{}; // the minimum Ethernet frame, zero-padded
        auto put = [&](std::size_t at, std::span<const std::uint8_t> bytes) {
            for (std::size_t i = 0; i < bytes.size(); ++i)
                frame[at + i] = static_cast<std::byte>(bytes[i]);
        };
        constexpr std::array<std::uint8_t, 6> broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        put(0, broadcast);
        put(6, mac);
        put(12, std::array<std::uint8_t, 10>{0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1}); // ARP, Ethernet/IPv4, request
        put(22, mac);
        put(28, our_ip);
        put(38, gateway_ip);
        send(frame);
        if (say)
            sel4::debug::println("net-selfcheck: sent an ARP request for 10.0.2.2");
    }

    // Whether `frame` is the ARP reply to our request.
    bool is_arp_reply(std::span<const std::uint8_t> frame) const {
        if (frame.size() < 42)
            return false;
        auto equal = [&](std::size_t at, std::span<const std::uint8_t> bytes) {
            for (std::size_t i = 0; i < bytes.size(); ++i)
                if (frame[at + i] != bytes[i])
                    return false;
            return true;
        };
        return frame[12] == 0x08 && frame[13] == 0x06 && frame[20] == 0 && frame[21] == 2 && equal(0, mac) &&
               equal(28, gateway_ip) && equal(32, mac) && equal(38, our_ip);
    }

    void notified(mk::ChannelSet channels) {
        if (!channels.contains(driver))
            fail("a notification from another channel", channels.bits());
        for (;;) {
            drain();
            if (phase == Phase::done)
                return;
            if (queues.rx.active.request_signal_if_empty() && queues.tx.free.request_signal_if_empty())
                break;
        }
        flush();
    }

    void drain() {
        while (auto buffer = queues.rx.active.dequeue()) {
            if (buffer->io_or_offset == bad_rx_offset) {
                if (buffer->len != 0)
                    fail("the refused rx buffer came back with data", buffer->len);
                bad_rx_back = true;
                continue; // not ours to reuse
            }
            ++frames;
            std::array<std::uint8_t, 64> head{};
            const std::size_t length = std::min<std::size_t>(buffer->len, head.size());
            if (!rx_data.copy_out(buffer->io_or_offset, std::as_writable_bytes(std::span(head).first(length))))
                fail("an rx frame outside the data region", buffer->io_or_offset);
            if (phase == Phase::flood && is_arp_reply(std::span(head).first(length)))
                ++flood_replies;
            if (phase == Phase::arp && is_arp_reply(std::span(head).first(length))) {
                net::Mac gateway{};
                for (unsigned i = 0; i < 6; ++i)
                    gateway.mac |= std::uint64_t{head[22 + i]} << (8 * i);
                sel4::debug::println("net-selfcheck: ARP reply ({} bytes): 10.0.2.2 is at {}", buffer->len,
                                     gateway.text().data());
                phase = Phase::refusals;
                start_refusals();
            }
            if (!queues.rx.free.enqueue({.io_or_offset = buffer->io_or_offset, .len = 0, .oid = 0}))
                fail("rx free is full");
            kick |= queues.rx.free.should_notify();
        }
        take_back_tx();
        if (phase == Phase::refusals && bad_tx_back && bad_rx_back && tx_spare_count == net::buffer_count) {
            sel4::debug::println("net-selfcheck: the driver handed back a tx frame of {} bytes and an rx buffer at {:#x} "
                                 "unused",
                                 oversized, bad_rx_offset);
            sel4::debug::println("net-selfcheck: {} frames received, all {} tx buffers back in tx free", frames,
                                 tx_spare_count);
            phase = Phase::flood;
            flood_start = ticks();
        }
        if (phase == Phase::flood) {
            while (flood_sent < flood_requests && flood_sent - flood_replies < 64 && tx_spare_count > 0) {
                send_arp_request(false);
                ++flood_sent;
            }
            if (flood_replies >= flood_requests) {
                const std::uint64_t elapsed = ticks() - flood_start;
                const std::uint64_t rate = tick_rate();
                if (rate != 0 && elapsed != 0)
                    sel4::debug::println("net-selfcheck: {} ARP requests answered in {} us ({} round trips/s, up to 64 "
                                         "out), {} frames received in all",
                                         flood_replies, elapsed * 1000000 / rate, flood_replies * rate / elapsed, frames);
                else
                    sel4::debug::println("net-selfcheck: {} ARP requests answered (up to 64 out), {} frames received in all",
                                         flood_replies, frames);
                sel4::debug::println("cpp-sel4: test passed");
                phase = Phase::done;
            }
        }
    }

    // An oversized tx frame, for the driver to refuse.
    void start_refusals() {
        auto buffer = take_tx();
        if (!buffer)
            fail("no tx buffer");
        bad_tx_offset = buffer->io_or_offset;
        if (!queues.tx.active.enqueue({.io_or_offset = buffer->io_or_offset, .len = oversized, .oid = 0}))
            fail("tx active is full");
        kick |= queues.tx.active.should_notify();
    }
};

Client make_client() { return Client(); }

} // namespace

SEL4_MICROKIT_PD(make_client)
