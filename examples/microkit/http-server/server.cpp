// http-server: the server PD of the flagship. It gets an address by DHCP (sel4::net over lwIP,
// the virtio-net, timer and virtio-rng drivers), mounts the FAT partition of the virtio disk
// (libs/block's cache, libs/fat) and serves its /site over HTTP on port 80 and HTTPS on 443
// (sel4::http; sel4::tls over mbedTLS, with the key and certificate from the disk's /tls and
// its DRBG seeded from virtio-rng, and reseeded from it every reseed_every HTTPS
// connections). Each connection is a task of its own, up to max_connections a port at once:
// past that a connection gets a 503 (HTTP) or is closed (HTTPS). A connection is closed when
// it says nothing for idle_timeout, or when a request has not come whole request_deadline
// after the connection opened or the last response went out (a client that trickles its
// request in, slowloris-style, holds a task that long and no longer), or when a write has not
// gone for idle_timeout (a client that stopped reading).
//
// /_status is the server's own: a JSON object of its heap (bytes in use, the high-water
// mark), connections and requests, for the soak test and for the curious. Everything else is
// the disk's.
//
// Its log: the lease, the volume, `serving http://A:80/ and https://A:443/`, and each time
// the last open connection closes, the totals so far.
#include <sel4/async.hpp>
#include <sel4/block.hpp>
#include <sel4/drivers/blk.hpp>
#include <sel4/drivers/blk/regions.hpp>
#include <sel4/drivers/rng.hpp>
#include <sel4/drivers/rtc.hpp>
#include <sel4/fat.hpp>
#include <sel4/http.hpp>
#include <sel4/http/fat_site.hpp>
#include <sel4/log.hpp>
#include <sel4/microkit.hpp>
#include <sel4/net.hpp>
#include <sel4/net/microkit.hpp>
#include <sel4/runtime/heap.hpp>
#include <sel4/tls.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string_view>

namespace {

namespace async = sel4::async;
namespace blk = sel4::block;
namespace fat = sel4::fat;
namespace http = sel4::http;
namespace log = sel4::log;
namespace mk = sel4::microkit;
namespace net = sel4::net;
namespace tls = sel4::tls;
using namespace std::chrono_literals;

constexpr std::uint16_t http_port = 80;
constexpr std::uint16_t https_port = 443;
// A port's: 40 of lwIP's 48 TCP pcbs, the rest for TIME_WAIT and connections being refused.
constexpr std::size_t max_connections = 20;
constexpr auto idle_timeout = 15s;
constexpr auto request_deadline = 30s;
constexpr std::string_view document_root = "/site";
constexpr std::uint64_t reseed_every = 16; // HTTPS connections between fresh entropy (2 calls to the rng driver)

const mk::Channel rng_channel(3); // the standard channels (drivers/systems.cmake)
const mk::Channel blk_channel(4);
const mk::Channel rtc_channel(6);

constexpr std::size_t blk_slots = 8;
constexpr std::size_t cache_blocks = 256; // 1 MiB: the whole site but the big file
using Device = blk::QueueBlockDevice<blk_slots>;
using Cache = blk::BlockCache<Device, cache_blocks, Device::block_bytes>;
using Disk = blk::Partition<Cache>;
using Volume = fat::Volume<Disk>;
using Site = http::FatSite<Disk>;

// The connections' frames: about 21 KiB each (the head buffer and the body chunk, sel4::http's and
// sel4::tls's awaits), 40 at once, with room.
async::FramePool<3 * 1024 * 1024> frames;
net::microkit::Client network;
async::Executor executor;
bool kick_blk = false;
std::optional<Device> device;
std::optional<Cache> cache;
std::optional<Disk> disk;
std::optional<Volume> volume;
std::optional<Site> site;
std::optional<tls::ServerConfig> tls_config;
// Seconds since 1970 from the RTC, read once at boot, and the timer since.
std::int64_t boot_unix_seconds = 0;
std::int64_t unix_now() noexcept {
    return boot_unix_seconds + static_cast<std::int64_t>(network.timers().now().nanoseconds() / 1'000'000'000);
}
std::size_t write_status(std::span<char> out) noexcept;
const http::Config http_config{.now = &unix_now, .generated = {.path = "/_status", .write = &write_status}};

struct Port {
    std::uint16_t number;
    std::size_t open = 0;
    std::uint64_t connections = 0;
    std::uint64_t refused = 0;
};
Port plain{http_port};
Port secure{https_port};
http::Stats stats;
std::uint64_t handshake_failures = 0;

// Why a Connection's read or write gave up: the idle timeout or the request deadline came, or
// the network said no.
struct Ended {
    bool timed_out = false;
    net::Error error{net::Error::closed};
};
template <class T> using Io = std::expected<T, Ended>;

// A TCP connection as sel4::http's and sel4::tls's transport: reads that end at the idle
// timeout or the request deadline, whichever comes first, and writes that end at the idle
// timeout (a client that stops reading) and start the deadline anew.
class Connection {
public:
    explicit Connection(net::TcpStream &stream) noexcept
        : stream_(stream), deadline_(network.timers().now() + request_deadline) {}

    async::Task<Io<std::size_t>> read(std::span<std::byte> buffer) {
        const async::Instant now = network.timers().now();
        if (now >= deadline_)
            co_return std::unexpected(Ended{.timed_out = true});
        auto got = co_await network.timers().timeout_at(stream_.read(buffer), std::min(deadline_, now + idle_timeout));
        if (!got)
            co_return std::unexpected(Ended{.timed_out = true});
        if (!*got)
            co_return std::unexpected(Ended{.error = got->error()});
        co_return **got;
    }
    async::Task<Io<void>> write_all(std::span<const std::byte> data) {
        auto written = co_await network.timers().timeout(stream_.write_all(data), idle_timeout);
        deadline_ = network.timers().now() + request_deadline;
        if (!written)
            co_return std::unexpected(Ended{.timed_out = true});
        if (!*written)
            co_return std::unexpected(Ended{.error = written->error()});
        co_return Io<void>{};
    }

private:
    net::TcpStream &stream_;
    async::Instant deadline_;
};

// /_status: the heap and the counters, as JSON.
std::size_t write_status(std::span<char> out) noexcept {
    const auto heap = sel4_runtime::global_heap().statistics();
    const int n = std::snprintf(
        out.data(), out.size(),
        "{\"heap_used\":%zu,\"heap_high_water\":%zu,\"heap_free\":%zu,\"connections_open\":%zu,"
        "\"connections_http\":%llu,\"connections_https\":%llu,\"refused\":%llu,\"handshake_failures\":%llu,"
        "\"requests\":%llu,\"status_2xx\":%llu,\"status_3xx\":%llu,\"status_4xx\":%llu,\"status_5xx\":%llu,"
        "\"bytes_sent\":%llu,\"uptime_seconds\":%llu}\n",
        heap.used_bytes, heap.peak_used_bytes, heap.free_bytes, plain.open + secure.open,
        static_cast<unsigned long long>(plain.connections), static_cast<unsigned long long>(secure.connections),
        static_cast<unsigned long long>(plain.refused + secure.refused),
        static_cast<unsigned long long>(handshake_failures), static_cast<unsigned long long>(stats.requests),
        static_cast<unsigned long long>(stats.status_2xx), static_cast<unsigned long long>(stats.status_3xx),
        static_cast<unsigned long long>(stats.status_4xx), static_cast<unsigned long long>(stats.status_5xx),
        static_cast<unsigned long long>(stats.bytes_sent),
        static_cast<unsigned long long>(network.timers().now().nanoseconds() / 1'000'000'000));
    return n < 0 ? 0 : std::min(static_cast<std::size_t>(n), out.size() - 1);
}

void log_totals() {
    if (plain.open + secure.open != 0)
        return;
    const auto heap = sel4_runtime::global_heap().statistics();
    log::info("idle: {} HTTP and {} HTTPS connections ({} and {} refused, {} failed handshakes), {} requests, "
              "{} bytes; heap {} bytes in use, high-water mark {}",
              plain.connections, secure.connections, plain.refused, secure.refused, handshake_failures,
              stats.requests, stats.bytes_sent, heap.used_bytes, heap.peak_used_bytes);
}

async::Task<void> serve_plain(net::TcpStream stream) {
    Connection connection(stream);
    co_await http::serve(connection, *site, http_config, stats);
    stream.close();
    --plain.open;
    log_totals();
}

async::Task<void> gather_seed(std::span<std::byte, 64> seed);

async::Task<void> serve_secure(net::TcpStream stream) {
    if (secure.connections % reseed_every == 0) { // (counted before the task runs: from 1)
        std::array<std::byte, 64> seed{};
        co_await gather_seed(seed);
        if (auto reseeded = tls_config->reseed(seed); !reseeded)
            log::warn("TLS: reseeding: {} {}", reseeded.error().describe(), reseeded.error().reason());
        std::fill(seed.begin(), seed.end(), std::byte{0});
    }
    {
        auto session = tls::Stream<Connection>::create(*tls_config, Connection(stream));
        if (!session) {
            ++handshake_failures;
            log::warn("{}: no TLS session: {}", stream.peer().to_text().view(), session.error().describe());
        } else if (auto shaken = co_await session->handshake(); !shaken) {
            ++handshake_failures;
            log::debug("{}: TLS handshake: {} {}", stream.peer().to_text().view(), shaken.error().describe(),
                       shaken.error().reason());
        } else {
            co_await http::serve(*session, *site, http_config, stats);
            co_await session->close();
        }
    }
    stream.close();
    --secure.open;
    log_totals();
}

async::Task<void> refuse(net::TcpStream stream) {
    Connection connection(stream);
    co_await http::write_busy(connection, http_config, stats);
    stream.close();
}

async::Task<void> listen(net::TcpListener listener, Port &port) {
    for (;;) {
        auto stream = co_await listener.accept();
        if (!stream) {
            log::warn("accept on {}: {}", port.number, net::describe(stream.error()));
            continue;
        }
        if (port.open == max_connections) {
            ++port.refused;
            if (&port == &plain)
                (void)executor.spawn(refuse(std::move(*stream))); // no frame: just closed
            continue;
        }
        auto task = executor.spawn(&port == &plain ? serve_plain(std::move(*stream)) : serve_secure(std::move(*stream)));
        if (!task) {
            ++port.refused;
            log::warn("no frame for a connection's task on {}", port.number);
            continue;
        }
        ++port.connections;
        ++port.open;
    }
}

// The whole of a file on the volume into `buffer`; its bytes, or why not.
async::Task<std::expected<std::string_view, std::string_view>> read_whole(std::string_view path,
                                                                          std::span<char> buffer) {
    auto file = co_await volume->open(path);
    if (!file)
        co_return std::unexpected(fat::describe(file.error()));
    if (file->size() > buffer.size())
        co_return std::unexpected("larger than its buffer");
    auto got = co_await file->read(0, std::as_writable_bytes(buffer.first(file->size())));
    if (!got)
        co_return std::unexpected(fat::describe(got.error()));
    co_return std::string_view(buffer.data(), *got);
}

// 64 bytes of entropy from virtio-rng, waiting for the driver to refill its pool if need be.
async::Task<void> gather_seed(std::span<std::byte, 64> seed) {
    sel4::drivers::rng::Client rng(rng_channel);
    std::size_t have = 0;
    while (have < seed.size()) {
        auto given = rng.read(seed.subspan(have));
        if (!given) {
            log::error("rng: the call failed");
            co_await executor.wait(rng_channel.bit());
            continue;
        }
        have += *given;
        if (*given == 0)
            co_await executor.wait(rng_channel.bit());
    }
}

async::Task<bool> mount() {
    const sel4::drivers::blk::Regions regions = sel4::drivers::blk::regions();
    auto shared = blk::SharedStorageInfo::attach(regions.info);
    if (!shared) {
        log::error("the storage information's region does not attach");
        co_return false;
    }
    while (!shared->ready())
        co_await executor.wait(blk_channel.bit());
    const blk::StorageInfo info = shared->read();
    auto queues = sel4::queue::blk::QueuePair::attach(regions.requests, regions.responses,
                                                      sel4::drivers::blk::queue_capacity);
    if (!queues) {
        log::error("the block queues do not attach");
        co_return false;
    }
    const Device::Config config{.queues = *queues, .data = regions.data, .block_count = info.capacity,
                                .read_only = true, .notify = {.function = [](void *) noexcept { kick_blk = true; },
                                                              .context = nullptr}};
    if (auto fits = Device::check(config); !fits) {
        log::error("the block data region does not fit {} slots", blk_slots);
        co_return false;
    }
    device.emplace(config);
    cache.emplace(*device);
    auto mbr = co_await blk::read_mbr(*cache);
    if (!mbr || mbr->partitions().empty()) {
        log::error("the disk has no MBR partition");
        co_return false;
    }
    auto partition = Disk::of(*cache, mbr->partitions()[0], info.sector_size);
    if (!partition) {
        log::error("the disk's first partition: {}", blk::describe(partition.error()));
        co_return false;
    }
    disk.emplace(*partition);
    auto mounted = co_await Volume::mount(*disk);
    if (!mounted) {
        log::error("the FAT volume: {}", fat::describe(mounted.error()));
        co_return false;
    }
    volume.emplace(std::move(*mounted));
    log::info("disk: {} MiB, FAT volume of partition 1 mounted", info.capacity * Device::block_bytes >> 20);
    co_return true;
}

async::Task<bool> prepare_tls() {
    static std::array<char, 4096> cert_bytes{};
    static std::array<char, 4096> key_bytes{};
    auto cert = co_await read_whole("/tls/cert.pem", cert_bytes);
    auto key = co_await read_whole("/tls/key.pem", key_bytes);
    if (!cert || !key) {
        log::error("{}: {}", !cert ? "/tls/cert.pem" : "/tls/key.pem", !cert ? cert.error() : key.error());
        co_return false;
    }
    std::array<std::byte, 64> seed{};
    co_await gather_seed(seed);
    auto config = tls::ServerConfig::create(*cert, *key, seed);
    std::fill(seed.begin(), seed.end(), std::byte{0});
    std::fill(key_bytes.begin(), key_bytes.end(), '\0'); // the key lives on in mbedTLS's context only
    if (!config) {
        log::error("TLS: {} {}", config.error().describe(), config.error().reason());
        co_return false;
    }
    tls_config.emplace(std::move(*config));
    log::info("TLS: the certificate and key from /tls, the DRBG seeded with {} bytes from virtio-rng", seed.size());
    co_return true;
}

async::Task<void> start(net::Stack &stack) {
    if (auto started = stack.start_dhcp(); !started) {
        log::error("DHCP does not start: {}", net::describe(started.error()));
        co_return;
    }
    if (!co_await mount() || !co_await prepare_tls())
        co_return;
    site.emplace(*volume, document_root);
    if (auto time = sel4::drivers::rtc::Client(rtc_channel).now()) {
        boot_unix_seconds = static_cast<std::int64_t>(time->seconds) - unix_now();
        log::info("the RTC says {} s since 1970", time->seconds);
    } else {
        log::warn("no time from the RTC: Date headers count from 1970");
    }
    auto lease = co_await stack.dhcp_bound();
    if (!lease) {
        log::error("DHCP: {}", net::describe(lease.error()));
        co_return;
    }
    log::info("lease: {}", lease->to_text().view());
    auto http_listener = net::TcpListener::listen(stack, http_port, 16);
    auto https_listener = net::TcpListener::listen(stack, https_port, 16);
    if (!http_listener || !https_listener) {
        log::error("cannot listen on {} or {}", http_port, https_port);
        co_return;
    }
    auto one = executor.spawn(listen(std::move(*http_listener), plain));
    auto two = executor.spawn(listen(std::move(*https_listener), secure));
    if (!one || !two) {
        log::error("no frames for the listeners' tasks");
        co_return;
    }
    log::info("serving http://{}:{}/ and https://{}:{}/", lease->address.to_text().view(), http_port,
              lease->address.to_text().view(), https_port);
}

struct HttpServer : mk::Handler {
    HttpServer() {
        if (auto task = executor.spawn(start(network.start())); !task)
            log::error("the start task's frame does not fit in the frame pool");
        run();
    }
    void notified(mk::ChannelSet channels) {
        if (device && channels.contains(blk_channel))
            device->poll();
        network.notified(channels, executor);
        run();
    }
    static void run() {
        executor.run_until_stalled();
        if (kick_blk) {
            kick_blk = false;
            blk_channel.defer_notify();
        }
    }
};

HttpServer make_http_server() { return HttpServer(); }

} // namespace

// mbedTLS's sessions (their records, the handshake's state) live on the heap, the frames of
// the connections' tasks in the frame pool; the handshake's big-number arithmetic runs on the
// stack.
SEL4_MICROKIT_PD(make_http_server, {.stack_size = 256 * 1024, .heap_size = 6 * 1024 * 1024})
