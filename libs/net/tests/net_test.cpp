// sel4::net on the host: the host build of lwIP over a loopback interface of the test's own
// (every IP packet sent comes back in as received, so both ends of each connection are in the
// one stack), a fake clock under sel4::async::Timers, one executor. Echo of 1 MiB over 16
// concurrent connections, 32 connections at once, back-pressure, peer close, reset, refused,
// timeouts through Timers, a lost segment retransmitted by lwIP's timers, listener and slot
// limits, UDP echo and its queue limit, DNS against a UDP server in the test, the lease text.
#include <sel4/async/event.hpp>
#include <sel4/lwip/port.hpp>

#include <sel4/net.hpp>

#include <gtest/gtest.h>

#include <lwip/ip4.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/prot/tcp.h>
#include <lwip/tcp.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <deque>
#include <optional>
#include <functional>
#include <vector>

namespace {

using namespace sel4;
using namespace std::chrono_literals;
using net::Address;
using net::Endpoint;
using net::Error;
using net::Result;
using net::TcpListener;
using net::TcpStream;
using net::UdpSocket;

/// A clock that moves only when the test says (one for the whole program: lwIP's timeouts are
/// global and must never see time go back).
class FakeClock final : public async::Clock {
public:
    async::Instant now() noexcept override { return now_; }
    void set_timeout(async::Instant) noexcept override {}
    void advance(async::Duration by) noexcept { now_ = now_ + by; }

private:
    async::Instant now_ = async::Instant::from_nanoseconds(1'000'000'000);
};
FakeClock clock_;

/// The loopback: an lwIP netif whose output comes back as input at the next receive().
class Loop final : public net::Interface {
public:
    ::netif netif{};
    std::deque<pbuf *> queue;
    std::function<bool(const pbuf *)> drop; ///< Drops the packets it is true for.
    std::size_t packets = 0;
    std::size_t dropped_no_memory = 0; ///< Packets lost because lwIP's PBUF_POOL was empty.

    Loop() {
        ip4_addr_t address, mask, gateway;
        IP4_ADDR(&address, 10, 0, 0, 1);
        IP4_ADDR(&mask, 255, 255, 255, 0);
        IP4_ADDR(&gateway, 0, 0, 0, 0);
        netif_add(&netif, &address, &mask, &gateway, this, &Loop::init, &ip_input);
    }
    ::netif &lwip_netif() noexcept override { return netif; }
    bool receive() noexcept override {
        if (queue.empty())
            return false;
        std::deque<pbuf *> batch;
        batch.swap(queue);
        for (pbuf *p : batch)
            if (netif.input(p, &netif) != ERR_OK)
                pbuf_free(p);
        return true;
    }
    void flush() noexcept override {}
    void discard() {
        for (pbuf *p : queue)
            pbuf_free(p);
        queue.clear();
    }

private:
    static err_t init(::netif *netif) {
        netif->output = &Loop::output;
        netif->mtu = 1500;
        netif->name[0] = 'l';
        netif->name[1] = 'p';
        return ERR_OK;
    }
    static err_t output(::netif *netif, pbuf *p, const ip4_addr_t *) {
        auto &self = *static_cast<Loop *>(netif->state);
        if (self.drop && self.drop(p))
            return ERR_OK;
        // Into the pool of received frames, as sel4::lwip::Netif copies them.
        pbuf *copy = pbuf_clone(PBUF_RAW, PBUF_POOL, p);
        if (copy == nullptr) {
            ++self.dropped_no_memory; // as a device drops what it has no buffer for
            return ERR_OK;
        }
        self.queue.push_back(copy);
        ++self.packets;
        return ERR_OK;
    }
};

Loop &loop() {
    static Loop *the_loop = [] {
        lwip::init();
        return new Loop(); // lives as long as lwIP: to the end of the program
    }();
    return *the_loop;
}

constexpr Address here{10, 0, 0, 1};

std::vector<std::byte> pattern(std::size_t size, std::uint32_t seed) {
    std::vector<std::byte> bytes(size);
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto &b : bytes) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = static_cast<std::byte>(x);
    }
    return bytes;
}

class NetTest : public testing::Test {
protected:
    async::FramePool<4 * 1024 * 1024> pool;
    async::Timers timers{clock_};
    net::Stack stack{loop(), timers};
    std::optional<async::Executor> tasks{std::in_place};
    async::Executor &executor = *tasks;

    void SetUp() override {
        loop().drop = nullptr;
        stack.set_static(here, {255, 255, 255, 0}, {10, 0, 0, 254}, here);
    }
    // The tasks go (their streams close), lwIP finishes every close (FIN_WAIT, TIME_WAIT's
    // 2 MSL), and nothing of lwIP's is left in use: no pcb, no received frame, no heap block.
    void TearDown() override {
        tasks.reset();
        loop().drop = nullptr;
        for (int i = 0; i < 130 * 4; ++i) { // lwIP's TCP timer every 250 ms
            clock_.advance(250ms);
            timers.poll();
            while (stack.poll()) {
            }
        }
        const lwip::Usage usage = lwip::usage();
        EXPECT_EQ(usage.tcp_pcbs_used, 0u);
        EXPECT_EQ(usage.pbuf_pool_used, 0u);
        EXPECT_EQ(usage.tcp_segments_used, 0u);
        EXPECT_EQ(stack.stats().streams_open, 0u);
        loop().discard();
    }

    /// Runs tasks and the stack until nothing moves; returns the rounds it took.
    std::size_t run(std::size_t limit = 1'000'000) {
        std::size_t rounds = 0;
        while (rounds < limit) {
            ++rounds;
            const bool ran = executor.run_until_stalled() > 0;
            const bool received = stack.poll();
            if (!ran && !received && !executor.has_ready())
                break;
        }
        return rounds;
    }
    /// Moves the clock in steps, firing timers and running everything after each.
    void advance(async::Duration by, async::Duration step = 100ms) {
        for (async::Duration done{}; done < by; done += step) {
            clock_.advance(step);
            timers.poll();
            run();
        }
    }
    template <class T> auto spawn(async::Task<T> task) {
        auto handle = executor.spawn(std::move(task));
        EXPECT_TRUE(handle.has_value());
        return std::move(*handle);
    }
};

// ---------------------------------------------------------------------------------------------

async::Task<Result<TcpStream>> connect_to(net::Stack &stack, std::uint16_t port) {
    co_return co_await TcpStream::connect(stack, Endpoint{here, port});
}

// The server side of an echo: every byte read is written back; the peer's close ends it.
async::Task<Result<std::size_t>> echo(TcpStream stream) {
    std::byte buffer[1500];
    std::size_t total = 0;
    for (;;) {
        auto n = co_await stream.read(buffer);
        if (!n)
            co_return std::unexpected(n.error());
        if (*n == 0)
            break;
        auto written = co_await stream.write_all(std::span(buffer, *n));
        if (!written)
            co_return std::unexpected(written.error());
        total += *n;
    }
    stream.close();
    co_return total;
}

async::Task<Result<std::size_t>> serve(TcpListener &listener, std::size_t connections,
                                       std::vector<async::JoinHandle<Result<std::size_t>>> &echoes,
                                       async::Executor &executor) {
    for (std::size_t i = 0; i < connections; ++i) {
        auto stream = co_await listener.accept();
        if (!stream)
            co_return std::unexpected(stream.error());
        auto handle = executor.spawn(echo(std::move(*stream)));
        if (!handle)
            co_return std::unexpected(Error::pool_exhausted);
        echoes.push_back(std::move(*handle));
    }
    co_return connections;
}

async::Task<Result<void>> send_all_then_shut(TcpStream &stream, std::span<const std::byte> data, std::size_t chunk) {
    while (!data.empty()) {
        const std::size_t size = std::min(chunk, data.size());
        auto written = co_await stream.write_all(data.first(size));
        if (!written)
            co_return written;
        data = data.subspan(size);
    }
    co_return stream.shutdown_write();
}

async::Task<Result<std::vector<std::byte>>> read_to_end(TcpStream &stream) {
    std::vector<std::byte> received;
    std::byte buffer[3000];
    for (;;) {
        auto n = co_await stream.read(buffer);
        if (!n)
            co_return std::unexpected(n.error());
        if (*n == 0)
            co_return received;
        received.insert(received.end(), buffer, buffer + *n);
    }
}

/// Holds the clients until all are connected, so that every connection is open at once.
struct Barrier {
    std::size_t expected = 0;
    std::size_t arrived = 0;
    async::Event all;
};

// One client: connects (after `delay`), waits for the others, writes its pattern while
// reading the echo, checks it byte for byte.
async::Task<Result<std::size_t>> client(net::Stack &stack, std::uint16_t port, std::size_t bytes, std::uint32_t seed,
                                        Barrier &barrier, async::Duration delay) {
    co_await stack.timers().sleep_for(delay);
    auto stream = co_await TcpStream::connect(stack, Endpoint{here, port});
    if (!stream)
        co_return std::unexpected(stream.error());
    if (++barrier.arrived == barrier.expected)
        barrier.all.set();
    co_await barrier.all;
    const auto data = pattern(bytes, seed);
    auto [sent, received] = co_await async::when_all(send_all_then_shut(*stream, data, 700 + seed * 97),
                                                       read_to_end(*stream));
    if (!sent)
        co_return std::unexpected(sent.error());
    if (!received)
        co_return std::unexpected(received.error());
    if (*received != data)
        co_return std::unexpected(Error::stack_error);
    co_return received->size();
}

// `connections` clients against an echo server; each connects `stagger` after the previous
// one (the listener's backlog is max_backlog), all transfer at once.
void echo_test(net::Stack &stack, async::Executor &executor, std::uint16_t port, std::size_t connections,
               std::size_t bytes_each, async::Duration stagger, const std::function<void()> &step) {
    auto listener = TcpListener::listen(stack, port, net::max_backlog);
    ASSERT_TRUE(listener.has_value());
    std::vector<async::JoinHandle<Result<std::size_t>>> echoes;
    auto server = executor.spawn(serve(*listener, connections, echoes, executor));
    ASSERT_TRUE(server.has_value());
    std::vector<async::JoinHandle<Result<std::size_t>>> clients;
    Barrier barrier{connections, 0, {}};
    for (std::size_t i = 0; i < connections; ++i) {
        auto handle = executor.spawn(client(stack, port, bytes_each, static_cast<std::uint32_t>(i + 1), barrier,
                                            stagger * static_cast<int>(i)));
        ASSERT_TRUE(handle.has_value());
        clients.push_back(std::move(*handle));
    }
    // Until every client is done: frames dropped when lwIP's pools run short come again on
    // lwIP's retransmission timers, which the steps drive.
    const auto all_done = [&] {
        return std::all_of(clients.begin(), clients.end(), [](auto &c) { return c.done(); });
    };
    for (int i = 0; i < 3000 && !all_done(); ++i)
        step();
    ASSERT_TRUE(server->done());
    EXPECT_EQ(server->take(), Result<std::size_t>(connections));
    std::size_t total = 0;
    for (auto &c : clients) {
        ASSERT_TRUE(c.done());
        auto result = c.take();
        ASSERT_TRUE(result.has_value()) << result.error().describe();
        total += *result;
    }
    EXPECT_EQ(total, connections * bytes_each);
    for (auto &e : echoes) {
        ASSERT_TRUE(e.done());
        EXPECT_EQ(e.take(), Result<std::size_t>(bytes_each));
    }
}

TEST_F(NetTest, EchoOneMebibyteEachOverSixteenConnections) {
    const std::size_t packets_before = loop().packets;
    echo_test(stack, executor, 7001, 16, 1024 * 1024, 0ms, [this] { advance(10ms, 10ms); });
    EXPECT_GT(loop().packets - packets_before, 2u * 16 * 1024 * 1024 / TCP_MSS); // both directions
    EXPECT_EQ(stack.stats().streams_open, 0u);
    EXPECT_GE(stack.stats().streams_high_water, 32u);
    std::printf("[ stats    ] 16 x 1 MiB echoed over 16 concurrent connections: %zu packets (%zu lost: no pbuf), "
                "%zu streams at most, frame pool high water %zu bytes in %zu frames, lwIP heap high water %zu of %zu\n",
                loop().packets - packets_before, loop().dropped_no_memory, stack.stats().streams_high_water,
                pool.stats().high_water_bytes, pool.stats().high_water_blocks, lwip::usage().heap_max,
                lwip::usage().heap_size);
}

TEST_F(NetTest, ThirtyTwoConnectionsAtOnce) {
    const std::size_t packets_before = loop().packets;
    const std::size_t lost_before = loop().dropped_no_memory;
    echo_test(stack, executor, 7002, 32, 64 * 1024, 10ms, [this] { advance(10ms, 10ms); });
    EXPECT_EQ(stack.stats().streams_high_water, 64u); // both ends of 32 connections
    std::printf("[ stats    ] 32 x 64 KiB echoed over 32 concurrent connections: %zu packets (%zu lost: no pbuf), "
                "%zu accepts refused, lwIP heap high water %zu of %zu, pbuf pool high water %u of %u\n",
                loop().packets - packets_before, loop().dropped_no_memory - lost_before, stack.stats().accepts_refused,
                lwip::usage().heap_max, lwip::usage().heap_size, unsigned{lwip::usage().pbuf_pool_max},
                unsigned{lwip::usage().pbuf_pool_size});
}

// A sender blocks when the receiver does not read (its window and the send buffer full) and
// resumes as it reads.
async::Task<Result<std::size_t>> writer(TcpStream &stream, std::span<const std::byte> data, std::size_t &written) {
    while (written < data.size()) {
        auto n = co_await stream.write(data.subspan(written));
        if (!n)
            co_return std::unexpected(n.error());
        written += *n;
    }
    co_return written;
}

async::Task<Result<TcpStream>> accept_one(TcpListener &listener) { co_return co_await listener.accept(); }

TEST_F(NetTest, BackPressureBlocksTheWriterUntilTheReaderReads) {
    auto listener = TcpListener::listen(stack, 7003, 4);
    ASSERT_TRUE(listener);
    auto accepted = spawn(accept_one(*listener));
    auto connecting = spawn(connect_to(stack, 7003));
    run();
    ASSERT_TRUE(accepted.done() && connecting.done());
    auto server = accepted.take();
    auto client_stream = connecting.take();
    ASSERT_TRUE(server && client_stream);

    const auto data = pattern(512 * 1024, 7);
    std::size_t written = 0;
    auto writing = spawn(writer(*client_stream, data, written));
    run();
    EXPECT_FALSE(writing.done());
    const std::size_t stalled_at = written;
    EXPECT_GT(stalled_at, 0u);
    EXPECT_LE(stalled_at, std::size_t{TCP_WND} + TCP_SND_BUF);
    EXPECT_EQ(server->buffered(), std::size_t{TCP_WND}); // the receive window, full
    run();
    EXPECT_EQ(written, stalled_at); // still blocked: nothing moves

    std::vector<std::byte> received;
    std::byte buffer[4096];
    while (received.size() < data.size()) {
        auto reading = spawn(server->read(buffer));
        run();
        ASSERT_TRUE(reading.done());
        auto n = reading.take();
        ASSERT_TRUE(n && *n > 0);
        received.insert(received.end(), buffer, buffer + *n);
    }
    ASSERT_TRUE(writing.done());
    EXPECT_EQ(writing.take(), Result<std::size_t>(data.size()));
    EXPECT_EQ(received, data);
    std::printf("[ stats    ] writer blocked after %zu bytes (TCP_WND %u, TCP_SND_BUF %u)\n", stalled_at,
                unsigned{TCP_WND}, unsigned{TCP_SND_BUF});
}

async::Task<Result<std::size_t>> read_some(TcpStream &stream) {
    std::byte buffer[256];
    co_return co_await stream.read(buffer);
}

struct Pair {
    TcpStream server;
    TcpStream client;
};

Pair connected_pair(NetTest &, net::Stack &stack, async::Executor &executor, TcpListener &listener,
                    std::uint16_t port, const std::function<std::size_t()> &run) {
    auto accepted = executor.spawn(accept_one(listener));
    auto connecting = executor.spawn(connect_to(stack, port));
    run();
    EXPECT_TRUE(accepted->done() && connecting->done());
    auto server = accepted->take();
    auto client_stream = connecting->take();
    EXPECT_TRUE(server && client_stream);
    return Pair{std::move(*server), std::move(*client_stream)};
}

TEST_F(NetTest, PeerCloseReadsZeroAfterTheData) {
    auto listener = TcpListener::listen(stack, 7004, 4);
    ASSERT_TRUE(listener);
    auto [server, client_stream] = connected_pair(*this, stack, executor, *listener, 7004, [this] { return run(); });
    EXPECT_EQ(server.peer(), client_stream.local());
    EXPECT_EQ(client_stream.peer(), (Endpoint{here, 7004}));

    auto reading = spawn(read_some(client_stream));
    run();
    EXPECT_FALSE(reading.done());
    const std::byte hello[] = {std::byte{'h'}, std::byte{'i'}};
    auto writing = spawn(server.write_all(hello));
    run();
    ASSERT_TRUE(writing.done() && writing.take());
    ASSERT_TRUE(reading.done());
    EXPECT_EQ(reading.take(), Result<std::size_t>(2));

    server.close();
    reading = spawn(read_some(client_stream));
    run();
    ASSERT_TRUE(reading.done());
    EXPECT_EQ(reading.take(), Result<std::size_t>(0));
    // The write side still works until the client closes too.
    EXPECT_TRUE(client_stream.shutdown_write());
    run();
}

TEST_F(NetTest, ResetIsAnError) {
    auto listener = TcpListener::listen(stack, 7005, 4);
    ASSERT_TRUE(listener);
    auto [server, client_stream] = connected_pair(*this, stack, executor, *listener, 7005, [this] { return run(); });
    auto reading = spawn(read_some(client_stream));
    run();
    server.abort();
    run();
    ASSERT_TRUE(reading.done());
    auto result = reading.take();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), Error::reset);
    EXPECT_EQ(client_stream.error(), Error(Error::reset));
    EXPECT_STREQ(result.error().describe(), "connection reset by peer");
    auto writing = spawn(client_stream.write_all(std::as_bytes(std::span("x", 1))));
    run();
    ASSERT_TRUE(writing.done());
    EXPECT_EQ(writing.take(), Result<void>(std::unexpected(Error::reset)));
}

TEST_F(NetTest, ConnectToAClosedPortIsRefused) {
    auto connecting = spawn(connect_to(stack, 7999));
    run();
    ASSERT_TRUE(connecting.done());
    auto result = connecting.take();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error(), Error::refused);
    EXPECT_EQ(stack.stats().streams_open, 0u);
}

// timers.timeout(stream.read(buf), 5s): the read is cancelled at the deadline, and the stream
// reads on afterwards as if nothing happened.
async::Task<std::expected<Result<std::size_t>, async::TimedOut>> read_within(async::Timers &timers, TcpStream &stream,
                                                                             std::span<std::byte> buffer,
                                                                             async::Duration limit) {
    co_return co_await timers.timeout(stream.read(buffer), limit);
}

TEST_F(NetTest, ReadTimesOutThroughTimersAndTheStreamGoesOn) {
    auto listener = TcpListener::listen(stack, 7006, 4);
    ASSERT_TRUE(listener);
    auto [server, client_stream] = connected_pair(*this, stack, executor, *listener, 7006, [this] { return run(); });
    std::byte buffer[64];
    auto reading = spawn(read_within(timers, client_stream, buffer, 5s));
    run();
    advance(4900ms);
    EXPECT_FALSE(reading.done());
    advance(200ms);
    ASSERT_TRUE(reading.done());
    EXPECT_FALSE(reading.take().has_value()); // TimedOut

    const std::byte late[] = {std::byte{1}, std::byte{2}, std::byte{3}};
    auto writing = spawn(server.write_all(late));
    reading = spawn(read_within(timers, client_stream, buffer, 5s));
    run();
    ASSERT_TRUE(reading.done());
    auto got = reading.take();
    ASSERT_TRUE(got && *got);
    EXPECT_EQ(**got, 3u);
    EXPECT_EQ(buffer[2], std::byte{3});
}

// A data segment lost on the wire comes again from lwIP's retransmission timer, which runs
// on the Timers (nothing arrives until the clock moves).
TEST_F(NetTest, LostSegmentIsRetransmittedByLwipTimers) {
    auto listener = TcpListener::listen(stack, 7007, 4);
    ASSERT_TRUE(listener);
    auto [server, client_stream] = connected_pair(*this, stack, executor, *listener, 7007, [this] { return run(); });
    int dropped = 0;
    loop().drop = [&](const pbuf *p) {
        // IPv4 header of 20 bytes, then TCP; drop the first segment that carries data.
        if (dropped == 0 && p->tot_len > 20 + 20 + 12) {
            ++dropped;
            return true;
        }
        return false;
    };
    const std::size_t runs_before = stack.stats().lwip_timeout_runs;
    auto reading = spawn(read_some(server));
    const auto data = pattern(100, 3);
    auto writing = spawn(client_stream.write_all(data));
    run();
    EXPECT_EQ(dropped, 1);
    EXPECT_FALSE(reading.done());
    advance(3s, 50ms);
    ASSERT_TRUE(reading.done());
    EXPECT_EQ(reading.take(), Result<std::size_t>(100));
    EXPECT_GT(stack.stats().lwip_timeout_runs, runs_before);
}

TEST_F(NetTest, DestroyingAStreamWakesItsWaitersWithClosed) {
    auto listener = TcpListener::listen(stack, 7008, 4);
    ASSERT_TRUE(listener);
    auto pair = connected_pair(*this, stack, executor, *listener, 7008, [this] { return run(); });
    auto reading = spawn(read_some(pair.client));
    run();
    EXPECT_FALSE(reading.done());
    pair.client = TcpStream(); // closes it
    run();
    ASSERT_TRUE(reading.done());
    EXPECT_EQ(reading.take(), Result<std::size_t>(std::unexpected(Error::closed)));
    // The server sees the close.
    auto server_reading = spawn(read_some(pair.server));
    run();
    ASSERT_TRUE(server_reading.done());
    EXPECT_EQ(server_reading.take(), Result<std::size_t>(0));
}

TEST_F(NetTest, CancelledAcceptAndConnectLeaveNothingBehind) {
    auto listener = TcpListener::listen(stack, 7009, 4);
    ASSERT_TRUE(listener);
    auto accepting = spawn(accept_one(*listener));
    run();
    accepting.cancel();
    EXPECT_EQ(stack.stats().streams_open, 0u);
    auto connecting = spawn(connect_to(stack, 7009));
    connecting.cancel(); // before it ran
    auto again = spawn(connect_to(stack, 7009));
    executor.run_until_stalled(); // the SYN is out, not answered yet
    again.cancel();
    run();
    EXPECT_EQ(stack.stats().streams_open, listener->pending());
}

// when_any over reads of two streams: the first with data wins, the other read is cancelled
// and its stream reads on normally afterwards.
async::Task<std::size_t> first_of(TcpStream &a, TcpStream &b, std::span<std::byte> buffer_a,
                                  std::span<std::byte> buffer_b) {
    auto winner = co_await async::when_any(a.read(buffer_a), b.read(buffer_b));
    co_return winner.index();
}

TEST_F(NetTest, WhenAnyCancelsTheLosingRead) {
    auto listener = TcpListener::listen(stack, 7012, 4);
    ASSERT_TRUE(listener);
    auto one = connected_pair(*this, stack, executor, *listener, 7012, [this] { return run(); });
    auto two = connected_pair(*this, stack, executor, *listener, 7012, [this] { return run(); });
    std::byte buffer_a[16], buffer_b[16];
    auto racing = spawn(first_of(one.client, two.client, buffer_a, buffer_b));
    run();
    EXPECT_FALSE(racing.done());
    const std::byte data[] = {std::byte{9}};
    auto writing = spawn(two.server.write_all(data));
    run();
    ASSERT_TRUE(racing.done());
    EXPECT_EQ(racing.take(), 1u);
    EXPECT_EQ(buffer_b[0], std::byte{9});
    auto again = spawn(one.server.write_all(data));
    auto reading = spawn(read_some(one.client));
    run();
    ASSERT_TRUE(reading.done());
    EXPECT_EQ(reading.take(), Result<std::size_t>(1));
}

// close() with data not yet read is still a graceful close: the unread bytes are acknowledged
// first, so lwIP sends a FIN (the peer reads 0), not a reset. (Data that arrives after the
// close is answered with a reset, as TCP does.)
TEST_F(NetTest, CloseWithUnreadDataIsGraceful) {
    auto listener = TcpListener::listen(stack, 7013, 4);
    ASSERT_TRUE(listener);
    auto [server, client_stream] = connected_pair(*this, stack, executor, *listener, 7013, [this] { return run(); });
    const auto data = pattern(5000, 5);
    auto writing = spawn(client_stream.write_all(data));
    run();
    advance(1s); // Nagle holds the last small segment until lwIP's delayed ack (its fast timer)
    ASSERT_TRUE(writing.done() && writing.take());
    EXPECT_EQ(server.buffered(), data.size());
    server.close();
    auto reading = spawn(read_some(client_stream));
    run();
    ASSERT_TRUE(reading.done());
    EXPECT_EQ(reading.take(), Result<std::size_t>(0));
    EXPECT_FALSE(client_stream.error());
}

// Reads and writes raced against random deadlines (cancelled mid-wait, mid-write), sleeps and
// the odd abort, on both ends of 8 connections at once: everything ends, ASan sees nothing, and
// lwIP is left with nothing in use (the fixture's TearDown).
async::Task<std::size_t> chaos(async::Timers &timers, TcpStream &stream, std::uint32_t seed, int rounds) {
    std::uint32_t x = seed * 2654435761u + 7;
    const auto next = [&x] {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        return x;
    };
    std::byte buffer[3000];
    std::vector<std::byte> out(4000, std::byte{0x5a});
    std::size_t completed = 0;
    for (int i = 0; i < rounds; ++i) {
        const auto limit = std::chrono::milliseconds(next() % 20);
        switch (next() % 4) {
        case 0:
        case 1:
            if (auto r = co_await timers.timeout(stream.read(buffer), limit); r.has_value())
                ++completed;
            break;
        case 2:
            if (auto r = co_await timers.timeout(stream.write_all(std::span(out).first(next() % out.size() + 1)), limit);
                r.has_value())
                ++completed;
            break;
        default:
            co_await timers.sleep_for(limit);
            break;
        }
        if (next() % 300 == 0)
            stream.abort();
    }
    co_return completed;
}

TEST_F(NetTest, RandomDeadlinesAndAbortsLeaveNothingBroken) {
    auto listener = TcpListener::listen(stack, 7014, net::max_backlog);
    ASSERT_TRUE(listener);
    std::vector<Pair> pairs;
    for (int i = 0; i < 8; ++i)
        pairs.push_back(connected_pair(*this, stack, executor, *listener, 7014, [this] { return run(); }));
    std::vector<async::JoinHandle<std::size_t>> tasks;
    for (std::uint32_t i = 0; i < pairs.size(); ++i) {
        tasks.push_back(spawn(chaos(timers, pairs[i].client, 2 * i + 1, 400)));
        tasks.push_back(spawn(chaos(timers, pairs[i].server, 2 * i + 2, 400)));
    }
    const auto all_done = [&] { return std::all_of(tasks.begin(), tasks.end(), [](auto &t) { return t.done(); }); };
    for (int i = 0; i < 5000 && !all_done(); ++i)
        advance(5ms, 5ms);
    ASSERT_TRUE(all_done());
    std::size_t completed = 0;
    for (auto &t : tasks)
        completed += t.take();
    EXPECT_GT(completed, 0u);
    std::printf("[ stats    ] %zu of %d operations finished before their deadlines\n", completed, 16 * 400);
}

TEST_F(NetTest, ListenerLimits) {
    EXPECT_EQ(TcpListener::listen(stack, 0, 4).error(), Error::invalid_argument);
    EXPECT_EQ(TcpListener::listen(stack, 7010, 0).error(), Error::invalid_argument);
    EXPECT_EQ(TcpListener::listen(stack, 7010, net::max_backlog + 1).error(), Error::invalid_argument);
    auto listener = TcpListener::listen(stack, 7010, 2);
    ASSERT_TRUE(listener);
    EXPECT_EQ(TcpListener::listen(stack, 7010, 2).error(), Error::address_in_use);
    {
        std::vector<TcpListener> more;
        for (std::size_t i = 1; i < net::max_listeners; ++i) {
            auto other = TcpListener::listen(stack, static_cast<std::uint16_t>(7100 + i), 1);
            ASSERT_TRUE(other);
            more.push_back(std::move(*other));
        }
        EXPECT_EQ(TcpListener::listen(stack, 7200, 1).error(), Error::too_many_listeners);
    }
    // A backlog of 2: four clients connect, nobody accepts; two wait, two are reset.
    std::vector<async::JoinHandle<Result<TcpStream>>> connecting;
    for (int i = 0; i < 4; ++i)
        connecting.push_back(spawn(connect_to(stack, 7010)));
    run();
    advance(10s, 250ms); // SYNs beyond lwIP's own backlog of half-open ones come again
    EXPECT_EQ(listener->pending(), 2u);
    EXPECT_EQ(stack.stats().accepts_refused, 2u);
    std::vector<TcpStream> clients;
    for (auto &c : connecting) {
        ASSERT_TRUE(c.done());
        auto stream = c.take();
        ASSERT_TRUE(stream); // the handshake completed before the listener refused it
        clients.push_back(std::move(*stream));
    }
    std::size_t reset = 0;
    for (auto &c : clients)
        if (c.error() == Error(Error::reset))
            ++reset;
    EXPECT_EQ(reset, 2u);
    // The two waiting ones are accepted, and work.
    for (int i = 0; i < 2; ++i) {
        auto accepted = spawn(accept_one(*listener));
        run();
        ASSERT_TRUE(accepted.done());
        auto stream = accepted.take();
        ASSERT_TRUE(stream);
        EXPECT_FALSE(stream->error());
    }
    // Closing the listener wakes a waiting accept() with Error::closed.
    auto waiting = spawn(accept_one(*listener));
    run();
    listener->close();
    run();
    ASSERT_TRUE(waiting.done());
    EXPECT_EQ(waiting.take().error(), Error::closed);
}

TEST_F(NetTest, StreamSlotsRunOut) {
    auto listener = TcpListener::listen(stack, 7011, net::max_backlog);
    ASSERT_TRUE(listener);
    // Each connection takes two slots here (both ends): fill all of them.
    std::vector<TcpStream> streams;
    for (std::size_t i = 0; i < net::max_streams / 2; ++i) {
        auto accepted = spawn(accept_one(*listener));
        auto connecting = spawn(connect_to(stack, 7011));
        run();
        ASSERT_TRUE(accepted.done() && connecting.done()) << i;
        auto server = accepted.take();
        auto client_stream = connecting.take();
        ASSERT_TRUE(server && client_stream) << i;
        streams.push_back(std::move(*server));
        streams.push_back(std::move(*client_stream));
    }
    EXPECT_EQ(stack.stats().streams_open, net::max_streams);
    auto one_more = spawn(connect_to(stack, 7011));
    run();
    ASSERT_TRUE(one_more.done());
    EXPECT_EQ(one_more.take().error(), Error::too_many_streams);
    streams.pop_back();
    streams.pop_back();
    auto accepted = spawn(accept_one(*listener));
    auto connecting = spawn(connect_to(stack, 7011));
    run();
    EXPECT_TRUE(accepted.done() && accepted.take());
    EXPECT_TRUE(connecting.done() && connecting.take());
}

// ---------------------------------------------------------------------------------------------
// UDP

async::Task<Result<net::Datagram>> receive_one(UdpSocket &socket, std::span<std::byte> buffer) {
    co_return co_await socket.receive(buffer);
}

async::Task<Result<std::size_t>> udp_echo(UdpSocket &socket, std::size_t count) {
    std::byte buffer[2048];
    for (std::size_t i = 0; i < count; ++i) {
        auto got = co_await socket.receive(buffer);
        if (!got)
            co_return std::unexpected(got.error());
        auto sent = socket.send_to(std::span(buffer, got->size), got->from);
        if (!sent)
            co_return std::unexpected(sent.error());
    }
    co_return count;
}

TEST_F(NetTest, UdpEcho) {
    auto server = UdpSocket::bind(stack, 7020);
    auto client_socket = UdpSocket::bind(stack, 0);
    ASSERT_TRUE(server && client_socket);
    EXPECT_NE(client_socket->port(), 0);
    EXPECT_EQ(UdpSocket::bind(stack, 7020).error(), Error::address_in_use);
    auto echoing = spawn(udp_echo(*server, 20));
    for (std::uint32_t i = 0; i < 20; ++i) {
        const auto data = pattern(1 + i * 70, i);
        ASSERT_TRUE(client_socket->send_to(data, Endpoint{here, 7020}));
        std::vector<std::byte> buffer(2000);
        auto receiving = spawn(receive_one(*client_socket, buffer));
        run();
        ASSERT_TRUE(receiving.done());
        auto got = receiving.take();
        ASSERT_TRUE(got);
        EXPECT_EQ(got->size, data.size());
        EXPECT_FALSE(got->truncated);
        EXPECT_EQ(got->from, (Endpoint{here, 7020}));
        EXPECT_TRUE(std::equal(data.begin(), data.end(), buffer.begin()));
    }
    ASSERT_TRUE(echoing.done());
    EXPECT_EQ(echoing.take(), Result<std::size_t>(20));
}

TEST_F(NetTest, UdpQueueLimitDropsAndTruncation) {
    auto server = UdpSocket::bind(stack, 7021);
    auto client_socket = UdpSocket::bind(stack, 0);
    ASSERT_TRUE(server && client_socket);
    const std::size_t dropped_before = stack.stats().udp_dropped;
    for (std::uint32_t i = 0; i < net::udp_queue_depth + 4; ++i)
        ASSERT_TRUE(client_socket->send_to(pattern(100, i), Endpoint{here, 7021}));
    run();
    EXPECT_EQ(stack.stats().udp_dropped - dropped_before, 4u);
    std::byte small[10];
    auto receiving = spawn(receive_one(*server, small));
    run();
    auto got = receiving.take();
    ASSERT_TRUE(got);
    EXPECT_TRUE(got->truncated);
    EXPECT_EQ(got->size, 10u);
    EXPECT_EQ(std::memcmp(small, pattern(100, 0).data(), 10), 0);
    // Closing drops the rest and wakes a waiting receive with Error::closed.
    server->close();
    std::byte buffer[200];
    EXPECT_EQ(client_socket->send_to(std::span(buffer, 0xffff), Endpoint{here, 7021}).error(),
              Error::message_too_large);
    auto waiting = spawn(receive_one(*client_socket, buffer));
    run();
    client_socket->close();
    run();
    ASSERT_TRUE(waiting.done());
    EXPECT_EQ(waiting.take().error(), Error::closed);
}

// ---------------------------------------------------------------------------------------------
// DNS and the lease

async::Task<Result<Address>> resolve(net::Stack &stack, std::string_view name) {
    co_return co_await stack.resolve(name);
}

// A DNS server on port 53 of the loopback: answers every A query with 192.0.2.<length of the
// name>, or with NXDOMAIN for names that start with "missing".
async::Task<void> dns_server(UdpSocket &socket, int queries) {
    std::byte query[512];
    for (int i = 0; i < queries; ++i) {
        auto got = co_await socket.receive(query);
        if (!got)
            co_return;
        std::vector<std::byte> answer(query, query + got->size);
        const bool missing = got->size > 13 && std::memcmp(query + 13, "missing", 7) == 0;
        answer[2] = std::byte{0x81};
        answer[3] = static_cast<std::byte>(missing ? 0x83 : 0x80);
        answer[7] = static_cast<std::byte>(missing ? 0 : 1); // ANCOUNT
        std::size_t name_length = 0;
        for (std::size_t at = 12; at < got->size && query[at] != std::byte{0}; at += 1 + std::size_t(query[at]))
            name_length += std::size_t(query[at]) + 1;
        if (!missing) {
            const unsigned char record[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2,
                                            static_cast<unsigned char>(name_length - 1)};
            for (unsigned char b : record)
                answer.push_back(std::byte{b});
        }
        (void)socket.send_to(answer, got->from);
    }
}

TEST_F(NetTest, ResolveThroughDns) {
    auto literal = spawn(resolve(stack, "10.1.2.3"));
    run();
    EXPECT_EQ(literal.take(), Result<Address>(Address(10, 1, 2, 3)));

    auto server = UdpSocket::bind(stack, 53);
    ASSERT_TRUE(server);
    auto serving = spawn(dns_server(*server, 2));
    auto found = spawn(resolve(stack, "example.org"));
    run();
    ASSERT_TRUE(found.done());
    EXPECT_EQ(found.take(), Result<Address>(Address(192, 0, 2, 11)));
    auto missing = spawn(resolve(stack, "missing.example"));
    run();
    ASSERT_TRUE(missing.done());
    EXPECT_EQ(missing.take().error(), Error::name_not_found);
    auto cached = spawn(resolve(stack, "example.org")); // lwIP's cache: no query
    run();
    EXPECT_EQ(cached.take(), Result<Address>(Address(192, 0, 2, 11)));
    auto empty = spawn(resolve(stack, ""));
    run();
    EXPECT_EQ(empty.take().error(), Error::invalid_argument);
}

async::Task<Result<net::Lease>> bound(net::Stack &stack) { co_return co_await stack.dhcp_bound(); }

TEST_F(NetTest, LeaseOfAStaticAddressAndItsText) {
    auto lease = spawn(bound(stack));
    run();
    ASSERT_TRUE(lease.done());
    auto got = lease.take();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->to_text().view(), "address 10.0.0.1/24, gateway 10.0.0.254, DNS 10.0.0.1");
    stack.set_static({}, {}, {});
    EXPECT_FALSE(stack.lease().has_value());
    auto waiting = spawn(bound(stack));
    run();
    EXPECT_FALSE(waiting.done());
    stack.set_static(here, {255, 255, 0, 0}, {10, 0, 0, 2}, {10, 0, 0, 3});
    run();
    ASSERT_TRUE(waiting.done());
    EXPECT_EQ(waiting.take()->to_text().view(), "address 10.0.0.1/16, gateway 10.0.0.2, DNS 10.0.0.3");
}

TEST(NetAddress, ParseAndText) {
    static_assert(Address::parse("10.0.2.15") == Address(10, 0, 2, 15));
    static_assert(!Address::parse("10.0.2"));
    static_assert(!Address::parse("10.0.2.256"));
    static_assert(!Address::parse("10.0.2.15 "));
    static_assert(!Address::parse("1..2.3"));
    static_assert(Address(255, 255, 254, 0).prefix_length() == 23);
    EXPECT_EQ(Address(10, 0, 2, 15).to_text().view(), "10.0.2.15");
    EXPECT_EQ((Endpoint{{127, 0, 0, 1}, 65535}).to_text().view(), "127.0.0.1:65535");
    constexpr net::Lease lease{{10, 0, 2, 15}, {255, 255, 255, 0}, {10, 0, 2, 2}, {10, 0, 2, 3}};
    EXPECT_EQ(lease.to_text().view(), "address 10.0.2.15/24, gateway 10.0.2.2, DNS 10.0.2.3");
    EXPECT_EQ(Error(async::Error::pool_exhausted), Error::pool_exhausted);
}

} // namespace
