// lwip.selftest: sel4-lwip in a RUNTIME cxx-minimal Microkit PD (no heap, no exceptions, no
// C library beyond runtime-string), on the target's own memory and alignment rules. The PD
// plays the driver over queues in its own memory and checks what lwIP answers:
//   1. start(): every buffer in rx free and tx free, a gratuitous ARP in tx active;
//   2. an ARP request for the address: the ARP reply, byte for byte;
//   3. an ICMP echo request: the reply, its data and both checksums;
//   4. descriptors that name no buffer: counted, not followed, not returned;
//   5. a TCP SYN to a listener: a SYN-ACK acknowledging the SYN, with an MSS option;
//   6. lwIP's heap and pools back where they were (the connection aborted);
// then the counters and the memory use, then the success line.
#include <sel4/lwip.hpp>
#include <sel4/microkit.hpp>

#include <lwip/tcp.h>

#include <sel4/debug.hpp>
#include <sel4/runtime/abort.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace mk = sel4::microkit;
namespace net = sel4::queue::net;
namespace shm = sel4::shared_memory;
namespace lwip = sel4::lwip;

namespace {

constexpr std::uint32_t capacity = 256;
constexpr std::size_t queue_bytes = 0x2000;
constexpr std::size_t data_bytes = capacity * net::buffer_size;

alignas(4096) std::byte rx_free_memory[queue_bytes];
alignas(4096) std::byte rx_active_memory[queue_bytes];
alignas(4096) std::byte tx_free_memory[queue_bytes];
alignas(4096) std::byte tx_active_memory[queue_bytes];
alignas(4096) std::byte rx_data_memory[data_bytes];
alignas(4096) std::byte tx_data_memory[data_bytes];

constexpr std::array<std::uint8_t, 6> our_mac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr std::array<std::uint8_t, 6> peer_mac{0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
constexpr std::array<std::uint8_t, 4> our_ip{10, 0, 2, 15};
constexpr std::array<std::uint8_t, 4> peer_ip{10, 0, 2, 2};

[[noreturn]] void fail(const char *what, std::uint64_t detail = 0) noexcept {
    sel4::debug::println("lwip.selftest: FAIL: {} ({})", what, detail);
    sel4::debug::println("lwip.selftest: test FAILED");
    sel4_runtime::fatal("lwip.selftest: ", what);
}

void check(bool ok, const char *what, std::uint64_t detail = 0) noexcept {
    if (!ok)
        fail(what, detail);
}

// A frame under construction, in a fixed buffer.
struct Frame {
    std::array<std::uint8_t, net::buffer_size> bytes{};
    std::size_t size = 0;

    void put8(std::uint8_t v) noexcept { bytes[size++] = v; }
    void put16(std::uint16_t v) noexcept { put8(static_cast<std::uint8_t>(v >> 8)), put8(static_cast<std::uint8_t>(v)); }
    void put32(std::uint32_t v) noexcept { put16(static_cast<std::uint16_t>(v >> 16)), put16(static_cast<std::uint16_t>(v)); }
    template <std::size_t n> void put(const std::array<std::uint8_t, n> &v) noexcept {
        for (auto byte : v)
            put8(byte);
    }
    void set16(std::size_t at, std::uint16_t v) noexcept {
        bytes[at] = static_cast<std::uint8_t>(v >> 8);
        bytes[at + 1] = static_cast<std::uint8_t>(v);
    }
    std::span<const std::uint8_t> view() const noexcept { return {bytes.data(), size}; }
};

std::uint16_t get16(std::span<const std::uint8_t> b, std::size_t at) noexcept {
    return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}
std::uint32_t get32(std::span<const std::uint8_t> b, std::size_t at) noexcept {
    return std::uint32_t{get16(b, at)} << 16 | get16(b, at + 2);
}

std::uint16_t checksum(std::span<const std::uint8_t> b, std::uint32_t sum = 0) noexcept {
    for (std::size_t i = 0; i + 1 < b.size(); i += 2)
        sum += get16(b, i);
    if (b.size() % 2 != 0)
        sum += static_cast<std::uint32_t>(b.back() << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

void ethernet_header(Frame &f, const std::array<std::uint8_t, 6> &to, std::uint16_t type) noexcept {
    f.put(to);
    f.put(peer_mac);
    f.put16(type);
}

// IPv4 header at 14, `payload` bytes to follow; returns the payload's offset.
std::size_t ipv4_header(Frame &f, std::uint8_t protocol, std::size_t payload) noexcept {
    f.put8(0x45), f.put8(0);
    f.put16(static_cast<std::uint16_t>(20 + payload));
    f.put16(1), f.put16(0x4000);
    f.put8(64), f.put8(protocol), f.put16(0);
    f.put(peer_ip), f.put(our_ip);
    f.set16(14 + 10, checksum(std::span(f.bytes).subspan(14, 20)));
    return f.size;
}

struct Driver {
    net::QueuePair rx = *net::QueuePair::attach({rx_free_memory, queue_bytes}, {rx_active_memory, queue_bytes}, capacity);
    net::QueuePair tx = *net::QueuePair::attach({tx_free_memory, queue_bytes}, {tx_active_memory, queue_bytes}, capacity);
    shm::Region rx_data{rx_data_memory, data_bytes};
    shm::Region tx_data{tx_data_memory, data_bytes};
    std::uint64_t notified = 0;
    Frame sent;

    static void notify(void *context) noexcept { ++static_cast<Driver *>(context)->notified; }

    void inject(const Frame &f) noexcept {
        auto buffer = rx.free.dequeue();
        check(buffer.has_value(), "rx free is empty");
        check(rx_data.copy_in(buffer->io_or_offset, std::as_bytes(f.view())).has_value(), "rx buffer out of range");
        buffer->len = static_cast<std::uint16_t>(f.size);
        check(rx.active.enqueue(*buffer), "rx active is full");
    }

    // The one frame in tx active, into `sent`; fails unless there is exactly one.
    std::span<const std::uint8_t> take_one(const char *what) noexcept {
        auto buffer = tx.active.dequeue();
        check(buffer.has_value(), what);
        sent.size = buffer->len;
        check(buffer->len <= net::buffer_size, "tx len over the buffer size", buffer->len);
        (void)tx_data.copy_out(buffer->io_or_offset, std::as_writable_bytes(std::span(sent.bytes).first(sent.size)));
        buffer->len = 0;
        check(tx.free.enqueue(*buffer), "tx free is full");
        check(tx.active.empty(), "more frames than one in tx active", tx.active.length());
        return sent.view();
    }
};

constinit std::optional<Driver> driver;
constinit std::optional<lwip::Netif> netif;

std::uint64_t fake_ns = 0;
std::uint64_t fake_clock(void *) noexcept { return fake_ns; }

void run() noexcept {
    driver.emplace();
    lwip::set_clock(fake_clock, nullptr);
    lwip::init();
    const lwip::Usage baseline = lwip::usage();
    netif.emplace(lwip::Netif::Config{.rx = driver->rx, .tx = driver->tx, .rx_data = driver->rx_data,
                                      .tx_data = driver->tx_data, .mac = lwip::MacAddress{our_mac},
                                      .notify_driver = {Driver::notify, &*driver}});

    // 1. start
    auto started = netif->start(lwip::Ipv4Address{our_ip}, lwip::Ipv4Address::from(255, 255, 255, 0),
                                lwip::Ipv4Address{peer_ip});
    if (!started)
        fail("start", static_cast<std::uint64_t>(started.error()));
    check(driver->rx.free.length() == capacity, "rx free not full", driver->rx.free.length());
    check(driver->notified == 1, "not notified once at start", driver->notified);
    auto gratuitous = driver->take_one("no gratuitous ARP");
    check(get16(gratuitous, 12) == 0x0806 && gratuitous[0] == 0xff, "the gratuitous ARP");

    // 2. ARP
    Frame request;
    ethernet_header(request, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0x0806);
    request.put16(1), request.put16(0x0800), request.put8(6), request.put8(4), request.put16(1);
    request.put(peer_mac), request.put(peer_ip), request.put(std::array<std::uint8_t, 6>{}), request.put(our_ip);
    while (request.size < 60)
        request.put8(0);
    driver->inject(request);
    check(netif->poll() == 1, "poll did not take the ARP request");
    auto reply = driver->take_one("no ARP reply");
    Frame expected;
    expected.put(peer_mac), expected.put(our_mac), expected.put16(0x0806);
    expected.put16(1), expected.put16(0x0800), expected.put8(6), expected.put8(4), expected.put16(2);
    expected.put(our_mac), expected.put(our_ip), expected.put(peer_mac), expected.put(peer_ip);
    check(reply.size() >= expected.size && std::memcmp(reply.data(), expected.bytes.data(), expected.size) == 0,
          "the ARP reply's bytes");
    sel4::debug::println("lwip.selftest: ARP reply: {}.{}.{}.{} is at {:#x}", reply[28], reply[29], reply[30], reply[31],
                         lwip::MacAddress{{reply[22], reply[23], reply[24], reply[25], reply[26], reply[27]}}.to_u64());

    // 3. ICMP echo
    Frame ping;
    ethernet_header(ping, our_mac, 0x0800);
    const std::size_t icmp = ipv4_header(ping, 1, 8 + 32);
    ping.put8(8), ping.put8(0), ping.put16(0), ping.put16(0xbeef), ping.put16(3);
    for (std::uint8_t i = 0; i < 32; ++i)
        ping.put8(static_cast<std::uint8_t>(i * 3 + 1));
    ping.set16(icmp + 2, checksum(std::span(ping.bytes).subspan(icmp, 8 + 32)));
    driver->inject(ping);
    netif->poll();
    auto pong = driver->take_one("no ICMP echo reply");
    check(pong.size() == 14 + 20 + 40, "the echo reply's size", pong.size());
    check(get16(pong, 12) == 0x0800 && pong[14 + 9] == 1, "not ICMP");
    check(checksum(pong.subspan(14, 20)) == 0, "the IPv4 header checksum");
    check(checksum(pong.subspan(34, 40)) == 0, "the ICMP checksum");
    check(pong[34] == 0 && get16(pong, 34 + 4) == 0xbeef && get16(pong, 34 + 6) == 3, "the echo reply's header");
    check(std::memcmp(pong.data() + 42, ping.bytes.data() + icmp + 8, 32) == 0, "the echo reply's data");
    check(std::memcmp(pong.data() + 26, our_ip.data(), 4) == 0 && std::memcmp(pong.data() + 30, peer_ip.data(), 4) == 0,
          "the echo reply's addresses");
    sel4::debug::println("lwip.selftest: ICMP echo reply, 32 bytes, checksums valid");

    // 4. bad descriptors
    const std::uint32_t free_before = driver->rx.free.length();
    check(driver->rx.active.enqueue({.io_or_offset = 0x1234, .len = 60}), "rx active");
    check(driver->rx.active.enqueue({.io_or_offset = data_bytes, .len = 60}), "rx active");
    netif->poll();
    check(netif->counters().bad_descriptors == 2, "bad descriptors not counted", netif->counters().bad_descriptors);
    check(driver->rx.free.length() == free_before, "a bad descriptor went to rx free");
    check(driver->tx.active.empty(), "an answer to a bad descriptor");

    // 5. TCP SYN to a listener
    struct tcp_pcb *listener = tcp_new();
    check(listener != nullptr && tcp_bind(listener, IP4_ADDR_ANY, 7) == ERR_OK, "tcp_bind");
    listener = tcp_listen(listener);
    check(listener != nullptr, "tcp_listen");
    static struct tcp_pcb *accepted = nullptr;
    tcp_accept(listener, [](void *, struct tcp_pcb *pcb, err_t) -> err_t {
        accepted = pcb;
        return ERR_OK;
    });
    Frame syn;
    ethernet_header(syn, our_mac, 0x0800);
    const std::size_t tcp = ipv4_header(syn, 6, 24);
    syn.put16(40000), syn.put16(7), syn.put32(0x01020304), syn.put32(0);
    syn.put8(6 << 4), syn.put8(0x02), syn.put16(8192), syn.put16(0), syn.put16(0);
    syn.put8(2), syn.put8(4), syn.put16(1460);
    std::uint32_t pseudo = 0;
    for (std::size_t i = 14 + 12; i < 14 + 20; i += 2)
        pseudo += get16(syn.view(), i);
    pseudo += 6 + 24;
    syn.set16(tcp + 16, checksum(std::span(syn.bytes).subspan(tcp, 24), pseudo));
    driver->inject(syn);
    netif->poll();
    auto syn_ack = driver->take_one("no SYN-ACK");
    const auto segment = syn_ack.subspan(34);
    check(get16(syn_ack, 12) == 0x0800 && syn_ack[14 + 9] == 6, "not TCP");
    check(get16(segment, 0) == 7 && get16(segment, 2) == 40000, "the SYN-ACK's ports");
    check((segment[13] & 0x12) == 0x12, "not SYN+ACK", segment[13]);
    check(get32(segment, 8) == 0x01020305, "the SYN-ACK's acknowledgement", get32(segment, 8));
    check((segment[12] >> 4) * 4 >= 24 && segment[20] == 2 && get16(segment, 22) == TCP_MSS, "the MSS option");
    sel4::debug::println("lwip.selftest: SYN-ACK for port 7, ISN {:#x}, MSS {}", get32(segment, 4), get16(segment, 22));

    // 6. memory back (the half-open connection aborted with the netif's address)
    tcp_close(listener);
    netif.reset();
    check(accepted == nullptr, "a connection accepted without the handshake's ACK");
    const lwip::Usage end = lwip::usage();
    check(end.pool_elements_used == baseline.pool_elements_used, "lwIP's pools leak", end.pool_elements_used);
    check(end.heap_used == baseline.heap_used, "lwIP's heap leaks", end.heap_used);
    sel4::debug::println("lwip.selftest: memory: heap {}/{} bytes at most, pbuf pool {}/{} at most, pools back to {}",
                         end.heap_max, end.heap_size, end.pbuf_pool_max, end.pbuf_pool_size, end.pool_elements_used);
    sel4::debug::println("lwip.selftest: test passed");
}

struct Selftest : mk::Handler {
    Selftest() { run(); }
};

Selftest make_selftest() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_selftest, {.stack_size = 0x10000})
