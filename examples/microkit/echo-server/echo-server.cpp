// echo-server: TCP echo on port 1234 and UDP echo on port 1235, from an address it gets by
// DHCP (sel4::net over lwIP, the virtio-net and timer drivers). Each TCP connection is a task
// of its own (up to max_connections at once; one more is closed at once), with an idle
// timeout; whatever a connection sends comes back, with back-pressure: a client that does not
// read stops the server's writes, and so its own sends. QEMU's user network forwards a host
// port to the guest's (`hostfwd`); `cmake --build build/microkit-aarch64 --target
// microkit-echo-server-run` forwards 127.0.0.1:1234 and :1235, so:
//   printf 'hello\n' | nc -q1 127.0.0.1 1234
//
// Its log: the lease, `listening on <address>:1234 (TCP) and :1235 (UDP)`, and each time the
// last open connection closes, the totals so far:
//   echo_server|INFO: idle: 16 connections, 10485760 bytes echoed
#include <sel4/async.hpp>
#include <sel4/log.hpp>
#include <sel4/microkit.hpp>
#include <sel4/net.hpp>
#include <sel4/net/microkit.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace {

namespace async = sel4::async;
namespace log = sel4::log;
namespace net = sel4::net;
using namespace std::chrono_literals;

constexpr std::uint16_t tcp_port = 1234;
constexpr std::uint16_t udp_port = 1235;
constexpr std::size_t max_connections = 32;
constexpr auto idle_timeout = 30s;

// Frames: a connection's task holds its buffer (four segments: fewer, fuller segments than a
// 2 KiB buffer gives); the reads and writes it awaits are frames too. 32 connections and the
// listener's and UDP's tasks fit with room to spare.
async::FramePool<320 * 1024> frames;
net::microkit::Client network;
async::Executor executor;

struct Totals {
    std::uint64_t connections = 0; // accepted and served
    std::uint64_t refused = 0;     // closed at once: max_connections were open
    std::uint64_t bytes = 0;       // echoed over TCP
    std::uint64_t datagrams = 0;   // echoed over UDP
    std::size_t open = 0;
    std::size_t most_open = 0;
} totals;

async::Task<void> echo(net::TcpStream stream) {
    const auto peer = stream.peer();
    std::array<std::byte, 4 * 1460> buffer; // four full segments a write
    std::uint64_t echoed = 0;
    for (;;) {
        auto got = co_await network.timers().timeout(stream.read(buffer), idle_timeout);
        if (!got) {
            log::warn("{}: idle for {} s: closing", peer.to_text().view(), idle_timeout / 1s);
            break;
        }
        if (!*got) {
            log::warn("{}: {}", peer.to_text().view(), net::describe(got->error()));
            break;
        }
        if (**got == 0)
            break; // the peer closed its side, and everything came back
        auto written = co_await stream.write_all(std::span(buffer.data(), **got));
        if (!written) {
            log::warn("{}: {}", peer.to_text().view(), net::describe(written.error()));
            break;
        }
        echoed += **got;
    }
    stream.close();
    log::debug("{}: closed after {} bytes", peer.to_text().view(), echoed);
    totals.bytes += echoed;
    if (--totals.open == 0) {
        log::info("idle: {} connections, {} bytes echoed", totals.connections, totals.bytes);
        log::info("at most {} connections open at once, {} refused; {} datagrams echoed", totals.most_open,
                  totals.refused, totals.datagrams);
    }
}

async::Task<void> serve_tcp(net::TcpListener listener) {
    for (;;) {
        auto stream = co_await listener.accept();
        if (!stream) {
            log::warn("accept: {}", net::describe(stream.error()));
            continue;
        }
        if (totals.open == max_connections) {
            ++totals.refused;
            log::warn("{} connections open: closing {}", max_connections, stream->peer().to_text().view());
            continue; // the stream closes as it goes
        }
        auto task = executor.spawn(echo(std::move(*stream)));
        if (!task) {
            ++totals.refused;
            log::warn("no frame for a connection's task");
            continue;
        }
        ++totals.connections;
        if (++totals.open > totals.most_open)
            totals.most_open = totals.open;
    } // the handle dropped: the task runs on, detached
}

async::Task<void> serve_udp(net::UdpSocket socket) {
    std::array<std::byte, 1500> buffer;
    for (;;) {
        auto datagram = co_await socket.receive(buffer);
        if (!datagram) {
            log::warn("udp: {}", net::describe(datagram.error()));
            continue;
        }
        if (auto sent = socket.send_to(std::span(buffer.data(), datagram->size), datagram->from); !sent)
            log::warn("udp: to {}: {}", datagram->from.to_text().view(), net::describe(sent.error()));
        else
            ++totals.datagrams;
    }
}

async::Task<void> start(net::Stack &stack) {
    if (auto started = stack.start_dhcp(); !started) {
        log::error("DHCP does not start: {}", net::describe(started.error()));
        co_return;
    }
    auto lease = co_await stack.dhcp_bound();
    if (!lease) {
        log::error("DHCP: {}", net::describe(lease.error()));
        co_return;
    }
    log::info("lease: {}", lease->to_text().view());
    auto listener = net::TcpListener::listen(stack, tcp_port, 16);
    auto socket = net::UdpSocket::bind(stack, udp_port);
    if (!listener || !socket) {
        log::error("cannot listen on {} or bind {}", tcp_port, udp_port);
        co_return;
    }
    auto tcp = executor.spawn(serve_tcp(std::move(*listener)));
    auto udp = executor.spawn(serve_udp(std::move(*socket)));
    if (!tcp || !udp) {
        log::error("no frames for the servers' tasks");
        co_return;
    }
    log::info("listening on {}:{} (TCP) and :{} (UDP)", lease->address.to_text().view(), tcp_port, udp_port);
}

struct EchoServer : sel4::microkit::Handler {
    EchoServer() {
        if (auto task = executor.spawn(start(network.start())); !task)
            log::error("the start task's frame does not fit in the frame pool");
        executor.run_until_stalled();
    }
    void notified(sel4::microkit::ChannelSet channels) { network.notified(channels, executor); }
};

EchoServer make_echo_server() { return EchoServer(); }

} // namespace

SEL4_MICROKIT_PD(make_echo_server)
