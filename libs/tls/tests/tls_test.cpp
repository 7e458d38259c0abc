// sel4::tls against mbedTLS's own client, both on one executor over an in-memory duplex
// connection; the certificates and keys are openssl's, made at build time (TLS_TEST_KEYS).
// mbedTLS's calloc/free go through a counting hook that charges each allocation to the
// server, the client or the configuration, so the tests see a session's bytes and its leaks.
#include <sel4/async/event.hpp>
#include <sel4/async/executor.hpp>
#include <sel4/async/frame_pool.hpp>
#include <sel4/async/task.hpp>
#include <sel4/tls.hpp>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/platform.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace async = sel4::async;
namespace tls = sel4::tls;
using Code = tls::Error::Code;

// ---- mbedTLS's memory, charged to whoever runs ----

enum class Party : std::size_t { server, client, config };
constexpr std::size_t parties = 3;

struct Ledger {
    Party running = Party::server;
    std::array<std::size_t, parties> current{};
    std::array<std::size_t, parties> peak{};
    std::map<void *, std::pair<Party, std::size_t>> blocks;
};
Ledger ledger;

constexpr std::size_t index(Party party) { return static_cast<std::size_t>(party); }

void *counting_calloc(std::size_t count, std::size_t size) {
    void *block = std::calloc(count, size);
    if (block != nullptr) {
        const Party party = ledger.running;
        ledger.blocks[block] = {party, count * size};
        ledger.current[index(party)] += count * size;
        ledger.peak[index(party)] = std::max(ledger.peak[index(party)], ledger.current[index(party)]);
    }
    return block;
}

void counting_free(void *block) {
    if (block == nullptr)
        return;
    auto found = ledger.blocks.find(block);
    if (found != ledger.blocks.end()) {
        ledger.current[index(found->second.first)] -= found->second.second;
        ledger.blocks.erase(found);
    }
    std::free(block);
}

// Runs `f` with its mbedTLS allocations charged to `party`.
template <class F> auto as(Party party, F f) {
    const Party before = ledger.running;
    ledger.running = party;
    auto result = f();
    ledger.running = before;
    return result;
}

// ---- the connection ----

struct Pipe {
    std::deque<std::byte> bytes;
    bool closed = false;
    async::WaitQueue readers;

    void append(const void *data, std::size_t size) {
        const auto *p = static_cast<const std::byte *>(data);
        bytes.insert(bytes.end(), p, p + size);
        readers.notify_all();
    }
    void close() {
        closed = true;
        readers.notify_all();
    }
    std::size_t take(void *out, std::size_t size) {
        const std::size_t n = std::min(size, bytes.size());
        std::copy_n(bytes.begin(), n, static_cast<std::byte *>(out));
        bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        return n;
    }
};

struct Duplex {
    Pipe to_server;
    Pipe to_client;
};

enum class TransportError { broken };

// The server's end: reads deliver at most `piece` bytes; writes fail once `fail_writes`. Both
// yield to the executor first, as a network transport's waits do: the coroutines' symmetric
// transfers are no tail calls under the sanitizers, so a long run of calls that complete at
// once would nest ever deeper on the stack.
struct ServerEnd {
    Duplex *duplex;
    std::size_t piece = SIZE_MAX;
    bool fail_writes = false;
    std::size_t reads = 0;

    async::Task<std::expected<std::size_t, TransportError>> read(std::span<std::byte> buffer) noexcept {
        co_await async::yield();
        Pipe &pipe = duplex->to_server;
        co_await pipe.readers.wait_until([&pipe]() noexcept { return !pipe.bytes.empty() || pipe.closed; });
        ++reads;
        co_return pipe.take(buffer.data(), std::min(piece, buffer.size()));
    }
    async::Task<std::expected<void, TransportError>> write_all(std::span<const std::byte> data) noexcept {
        co_await async::yield();
        if (fail_writes)
            co_return std::unexpected(TransportError::broken);
        duplex->to_client.append(data.data(), data.size());
        co_return std::expected<void, TransportError>{};
    }
};

using Stream = tls::Stream<ServerEnd>;

std::string read_file(const std::string &name) {
    std::ifstream in(std::string(TLS_TEST_KEYS) + "/" + name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::byte> seed_bytes(std::size_t size, std::uint8_t first = 1) {
    std::vector<std::byte> seed(size);
    for (std::size_t i = 0; i < size; ++i)
        seed[i] = std::byte(static_cast<std::uint8_t>(first + i * 7));
    return seed;
}

std::vector<std::byte> pattern(std::size_t size, std::uint32_t seed) {
    std::vector<std::byte> bytes(size);
    std::uint32_t x = seed * 2654435761u + 1;
    for (std::byte &b : bytes) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b = std::byte(static_cast<std::uint8_t>(x));
    }
    return bytes;
}

// mbedTLS's client, over the client's end of a Duplex. Its receive callback takes at most
// `piece` bytes a call.
class Client {
public:
    Client(Duplex &duplex, const std::string &ca_pem, std::vector<int> suites = {}, std::vector<mbedtls_ecp_group_id> curves = {})
        : duplex_(duplex), suites_(std::move(suites)), curves_(std::move(curves)) {
        as(Party::client, [&] {
            mbedtls_ssl_init(&ssl_);
            mbedtls_ssl_config_init(&conf_);
            mbedtls_x509_crt_init(&ca_);
            mbedtls_ctr_drbg_init(&drbg_);
            static const auto entropy = [](void *, unsigned char *out, std::size_t n) {
                std::memset(out, 0x5a, n);
                return 0;
            };
            EXPECT_EQ(mbedtls_ctr_drbg_seed(&drbg_, entropy, nullptr, nullptr, 0), 0);
            EXPECT_EQ(mbedtls_x509_crt_parse(&ca_, reinterpret_cast<const unsigned char *>(ca_pem.c_str()),
                                             ca_pem.size() + 1),
                      0);
            EXPECT_EQ(mbedtls_ssl_config_defaults(&conf_, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                                  MBEDTLS_SSL_PRESET_DEFAULT),
                      0);
            mbedtls_ssl_conf_authmode(&conf_, MBEDTLS_SSL_VERIFY_REQUIRED);
            mbedtls_ssl_conf_ca_chain(&conf_, &ca_, nullptr);
            mbedtls_ssl_conf_rng(&conf_, mbedtls_ctr_drbg_random, &drbg_);
            if (!suites_.empty()) {
                suites_.push_back(0);
                mbedtls_ssl_conf_ciphersuites(&conf_, suites_.data());
            }
            if (!curves_.empty()) {
                curves_.push_back(MBEDTLS_ECP_DP_NONE);
                mbedtls_ssl_conf_curves(&conf_, curves_.data());
            }
            EXPECT_EQ(mbedtls_ssl_setup(&ssl_, &conf_), 0);
            EXPECT_EQ(mbedtls_ssl_set_hostname(&ssl_, "localhost"), 0);
            mbedtls_ssl_set_bio(&ssl_, this, send, receive, nullptr);
            return 0;
        });
    }
    ~Client() {
        as(Party::client, [&] {
            mbedtls_ssl_free(&ssl_);
            mbedtls_ssl_config_free(&conf_);
            mbedtls_x509_crt_free(&ca_);
            mbedtls_ctr_drbg_free(&drbg_);
            return 0;
        });
    }
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // Runs an mbedTLS call until it does not want to read, waiting for the server's bytes.
    template <class F> async::Task<int> run(F call) {
        for (;;) {
            const int result = as(Party::client, call);
            if (result != MBEDTLS_ERR_SSL_WANT_READ)
                co_return result;
            Pipe &pipe = duplex_.to_client;
            co_await pipe.readers.wait_until([&pipe]() noexcept { return !pipe.bytes.empty() || pipe.closed; });
        }
    }

    async::Task<int> handshake() {
        return run([this] { return mbedtls_ssl_handshake(&ssl_); });
    }
    // Writes all of `data`; 0 or mbedTLS's error.
    async::Task<int> write(std::span<const std::byte> data) {
        while (!data.empty()) {
            const int n = co_await run([this, data] {
                return mbedtls_ssl_write(&ssl_, reinterpret_cast<const unsigned char *>(data.data()), data.size());
            });
            if (n < 0)
                co_return n;
            data = data.subspan(static_cast<std::size_t>(n));
        }
        co_return 0;
    }
    // Reads exactly `size` bytes into `out` (fewer when the session ends); 0 or mbedTLS's error.
    async::Task<int> read(std::vector<std::byte> &out, std::size_t size) {
        std::array<unsigned char, 4096> buffer;
        while (out.size() < size) {
            const int n = co_await run([this, &buffer, &out, size] {
                return mbedtls_ssl_read(&ssl_, buffer.data(), std::min(buffer.size(), size - out.size()));
            });
            if (n <= 0)
                co_return n;
            const auto *p = reinterpret_cast<const std::byte *>(buffer.data());
            out.insert(out.end(), p, p + n);
        }
        co_return 0;
    }
    async::Task<int> close_notify() {
        return run([this] { return mbedtls_ssl_close_notify(&ssl_); });
    }

    mbedtls_ssl_context &ssl() { return ssl_; }
    std::size_t piece = SIZE_MAX;
    bool corrupt_next_write = false; // flips the last byte the client sends next

private:
    static int send(void *context, const unsigned char *data, std::size_t size) {
        auto &self = *static_cast<Client *>(context);
        std::vector<unsigned char> bytes(data, data + size);
        if (self.corrupt_next_write) {
            self.corrupt_next_write = false;
            bytes.back() ^= 0x01;
        }
        self.duplex_.to_server.append(bytes.data(), bytes.size());
        return static_cast<int>(size);
    }
    static int receive(void *context, unsigned char *out, std::size_t size) {
        auto &self = *static_cast<Client *>(context);
        Pipe &pipe = self.duplex_.to_client;
        if (pipe.bytes.empty())
            return pipe.closed ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
        return static_cast<int>(pipe.take(out, std::min(size, self.piece)));
    }

    Duplex &duplex_;
    std::vector<int> suites_;
    std::vector<mbedtls_ecp_group_id> curves_;
    mbedtls_ssl_context ssl_;
    mbedtls_ssl_config conf_;
    mbedtls_x509_crt ca_;
    mbedtls_ctr_drbg_context drbg_;
};

// The server's side of a test that ends in a read: the handshake, then one read of up to 100
// bytes.
async::Task<std::expected<std::size_t, tls::Error>> handshake_then_read(Stream &stream) {
    if (auto shaken = co_await stream.handshake(); !shaken)
        co_return std::unexpected(shaken.error());
    std::array<std::byte, 100> buffer;
    co_return co_await stream.read(buffer);
}

class Tls : public testing::Test {
protected:
    static void SetUpTestSuite() { mbedtls_platform_set_calloc_free(counting_calloc, counting_free); }

    void SetUp() override { ledger.peak = ledger.current; }
    void TearDown() override {
        EXPECT_EQ(ledger.current[index(Party::server)], 0u) << "the server's sessions leaked";
        EXPECT_EQ(ledger.current[index(Party::client)], 0u);
    }

    tls::ServerConfig make_config(const std::string &name) {
        auto made = as(Party::config, [&] { return tls::ServerConfig::create(read_file(name + ".crt"), read_file(name + ".key"), seed_bytes(64)); });
        EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().describe());
        return std::move(*made);
    }

    // Runs the tasks until nothing can go on; each must have finished.
    template <class A, class B> std::pair<A, B> run(async::Task<A> first, async::Task<B> second) {
        auto a = executor.spawn(std::move(first));
        auto b = executor.spawn(std::move(second));
        EXPECT_TRUE(a.has_value() && b.has_value());
        executor.run_until_stalled();
        EXPECT_TRUE(a->done()) << "the server's task did not finish";
        EXPECT_TRUE(b->done()) << "the client's task did not finish";
        return {a->take(), b->take()};
    }

    async::FramePool<1024 * 1024> pool;
    async::Executor executor;
    Duplex duplex;
};

// The server's side of a whole session: handshake, read `size` bytes, echo them, read the
// close_notify, send its own. Gives the first error, or the bytes.
async::Task<std::expected<std::vector<std::byte>, tls::Error>> echo_session(Stream &stream, std::size_t size) {
    if (auto shaken = co_await stream.handshake(); !shaken)
        co_return std::unexpected(shaken.error());
    std::vector<std::byte> got;
    std::vector<std::byte> buffer(3000);
    while (got.size() < size) {
        auto n = co_await stream.read(buffer);
        if (!n)
            co_return std::unexpected(n.error());
        if (*n == 0)
            break;
        got.insert(got.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*n));
    }
    if (auto written = co_await stream.write_all(got); !written)
        co_return std::unexpected(written.error());
    auto end = co_await stream.read(buffer);
    if (!end)
        co_return std::unexpected(end.error());
    if (*end != 0)
        co_return std::unexpected(tls::Error(Code::protocol)); // more data than expected
    if (auto closed = co_await stream.close(); !closed)
        co_return std::unexpected(closed.error());
    co_return got;
}

// The client's side: handshake, send `data`, read the echo, close_notify, read the server's.
// Gives the echo, or mbedTLS's error.
async::Task<std::expected<std::vector<std::byte>, int>> echo_client(Client &client, std::vector<std::byte> data) {
    if (int r = co_await client.handshake(); r != 0)
        co_return std::unexpected(r);
    if (int r = co_await client.write(data); r != 0)
        co_return std::unexpected(r);
    std::vector<std::byte> echo;
    if (int r = co_await client.read(echo, data.size()); r != 0)
        co_return std::unexpected(r);
    if (int r = co_await client.close_notify(); r != 0)
        co_return std::unexpected(r);
    std::vector<std::byte> rest;
    if (int r = co_await client.read(rest, 1); r != MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
        co_return std::unexpected(r);
    co_return echo;
}

struct SuiteCase {
    const char *name;
    int suite;
    const char *key; // the server's certificate and key: ec or rsa
};

class TlsSuite : public Tls, public testing::WithParamInterface<SuiteCase> {};

TEST_P(TlsSuite, HandshakeAndEchoWithEachSuite) {
    const SuiteCase c = GetParam();
    auto config = make_config(c.key);
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file(std::string(c.key) + ".crt"), {c.suite});
    const auto data = pattern(10000, 3);
    auto [served, echoed] = run(echo_session(*stream, data.size()), echo_client(client, data));
    ASSERT_TRUE(served.has_value()) << served.error().describe() << ": " << served.error().reason();
    ASSERT_TRUE(echoed.has_value()) << "client error -0x" << std::hex << -echoed.error();
    EXPECT_EQ(*served, data);
    EXPECT_EQ(*echoed, data);
    EXPECT_EQ(mbedtls_ssl_get_ciphersuite_id(mbedtls_ssl_get_ciphersuite(&client.ssl())), c.suite);
    EXPECT_EQ(mbedtls_ssl_get_verify_result(&client.ssl()), 0u) << "the client did not verify the certificate";
    EXPECT_TRUE(stream->handshake_done());
}

INSTANTIATE_TEST_SUITE_P(
    Suites, TlsSuite,
    testing::Values(SuiteCase{"EcdheEcdsaAes128Gcm", MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ec"},
                    SuiteCase{"EcdheEcdsaAes256Gcm", MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ec"},
                    SuiteCase{"EcdheEcdsaChacha20", MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ec"},
                    SuiteCase{"EcdheRsaAes128Gcm", MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "rsa"},
                    SuiteCase{"EcdheRsaAes256Gcm", MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "rsa"},
                    SuiteCase{"EcdheRsaChacha20", MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "rsa"}),
    [](const testing::TestParamInfo<SuiteCase> &info) { return std::string(info.param.name); });

struct CurveCase {
    const char *name;
    mbedtls_ecp_group_id curve;
};

class TlsCurve : public Tls, public testing::WithParamInterface<CurveCase> {};

// The client offers one curve (the RSA certificate does not need its own, as an ECDSA one does).
TEST_P(TlsCurve, KeyExchangeOnEachCurve) {
    auto config = make_config("rsa");
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file("rsa.crt"), {}, {GetParam().curve});
    const auto data = pattern(100, 4);
    auto [served, echoed] = run(echo_session(*stream, data.size()), echo_client(client, data));
    ASSERT_TRUE(served.has_value()) << served.error().describe() << ": " << served.error().reason();
    ASSERT_TRUE(echoed.has_value());
    EXPECT_EQ(*echoed, data);
}

INSTANTIATE_TEST_SUITE_P(Curves, TlsCurve,
                         testing::Values(CurveCase{"X25519", MBEDTLS_ECP_DP_CURVE25519},
                                         CurveCase{"Secp256r1", MBEDTLS_ECP_DP_SECP256R1},
                                         CurveCase{"Secp384r1", MBEDTLS_ECP_DP_SECP384R1}),
                         [](const testing::TestParamInfo<CurveCase> &info) { return std::string(info.param.name); });

// A client whose groups lack P-256 cannot use the server's P-256 ECDSA certificate.
TEST_F(Tls, EcdsaCertificateNeedsItsCurve) {
    auto config = make_config("ec");
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file("ec.crt"), {}, {MBEDTLS_ECP_DP_CURVE25519});
    auto [served, shaken] = run(stream->handshake(), client.handshake());
    ASSERT_FALSE(served.has_value());
    EXPECT_EQ(served.error().reason(), "no usable cipher suite");
    EXPECT_EQ(shaken, MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE);
}

TEST_F(Tls, LargeDataBothWays) {
    auto config = make_config("ec");
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file("ec.crt"));
    const auto data = pattern(3 * 1024 * 1024 + 17, 5);
    auto [served, echoed] = run(echo_session(*stream, data.size()), echo_client(client, data));
    ASSERT_TRUE(served.has_value()) << served.error().describe();
    ASSERT_TRUE(echoed.has_value());
    EXPECT_EQ(*served, data);
    EXPECT_EQ(*echoed, data);
}

TEST_F(Tls, ByteAtATimeBothWays) {
    auto config = make_config("rsa");
    auto stream = Stream::create(config, ServerEnd{&duplex, 1});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file("rsa.crt"));
    client.piece = 1;
    const auto data = pattern(40000, 6);
    auto [served, echoed] = run(echo_session(*stream, data.size()), echo_client(client, data));
    ASSERT_TRUE(served.has_value()) << served.error().describe();
    ASSERT_TRUE(echoed.has_value());
    EXPECT_EQ(*echoed, data);
    EXPECT_GT(stream->transport().reads, data.size()) << "the server's reads were not one byte each";
}

// The client sends its ClientHello and goes away.
TEST_F(Tls, ClientAbortsMidHandshake) {
    auto config = make_config("ec");
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    auto client = std::make_unique<Client>(duplex, read_file("ec.crt"));
    auto hello = [&]() -> async::Task<int> {
        const int r = as(Party::client, [&] { return mbedtls_ssl_handshake(&client->ssl()); });
        duplex.to_server.close();
        co_return r;
    };
    auto [served, sent] = run(stream->handshake(), hello());
    EXPECT_EQ(sent, MBEDTLS_ERR_SSL_WANT_READ);
    ASSERT_FALSE(served.has_value());
    EXPECT_EQ(served.error().code(), Code::closed_during_handshake);
    EXPECT_FALSE(stream->handshake_done());
    EXPECT_GT(ledger.current[index(Party::server)], 0u) << "the handshake's state should be allocated by now";
    client.reset();
    stream = std::unexpected(tls::Error(Code::setup)); // destroys the session mid-handshake
    EXPECT_EQ(ledger.current[index(Party::server)], 0u);
}

TEST_F(Tls, GarbageInsteadOfClientHello) {
    auto config = make_config("ec");
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    const std::string garbage = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    duplex.to_server.append(garbage.data(), garbage.size());
    auto nothing = []() -> async::Task<int> { co_return 0; };
    auto [served, unused] = run(stream->handshake(), nothing());
    ASSERT_FALSE(served.has_value());
    EXPECT_EQ(served.error().code(), Code::handshake);
    EXPECT_NE(served.error().mbedtls_error(), 0);
    EXPECT_FALSE(served.error().reason().empty());
}

TEST_F(Tls, RandomBytesInsteadOfClientHello) {
    auto config = make_config("ec");
    for (std::uint32_t seed = 0; seed < 50; ++seed) {
        Duplex pipes;
        auto stream = Stream::create(config, ServerEnd{&pipes});
        ASSERT_TRUE(stream.has_value());
        auto noise = pattern(600, seed);
        noise[0] = std::byte{0x16}; // a handshake record, most of the time: deeper into the parser
        if (seed % 2 == 0) {
            noise[1] = std::byte{3};
            noise[2] = std::byte{3};
        }
        pipes.to_server.append(noise.data(), noise.size());
        pipes.to_server.close();
        auto nothing = []() -> async::Task<int> { co_return 0; };
        auto [served, unused] = run(stream->handshake(), nothing());
        ASSERT_FALSE(served.has_value()) << "seed " << seed;
        EXPECT_TRUE(served.error().code() == Code::handshake || served.error().code() == Code::closed_during_handshake)
            << served.error().describe();
    }
}

TEST_F(Tls, NoSharedSuite) {
    auto config = make_config("ec"); // an ECDSA key: no ECDHE-RSA suite
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file("ec.crt"), {MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256});
    auto [served, shaken] = run(stream->handshake(), client.handshake());
    ASSERT_FALSE(served.has_value());
    EXPECT_EQ(served.error().code(), Code::handshake);
    EXPECT_EQ(served.error().reason(), "no usable cipher suite");
    EXPECT_EQ(shaken, MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE) << "the server's alert did not reach the client";
}

TEST_F(Tls, TamperedRecordIsRejected) {
    auto config = make_config("ec");
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file("ec.crt"));
    auto client_side = [&]() -> async::Task<int> {
        if (int r = co_await client.handshake(); r != 0)
            co_return r;
        client.corrupt_next_write = true;
        co_return co_await client.write(pattern(50, 1));
    };
    auto [served, wrote] = run(handshake_then_read(*stream), client_side());
    EXPECT_EQ(wrote, 0);
    ASSERT_FALSE(served.has_value());
    EXPECT_EQ(served.error(), tls::Error(Code::protocol, MBEDTLS_ERR_SSL_INVALID_MAC));
}

TEST_F(Tls, PeerClosesWithoutNotify) {
    auto config = make_config("ec");
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file("ec.crt"));
    auto client_side = [&]() -> async::Task<int> {
        const int r = co_await client.handshake();
        duplex.to_server.close();
        co_return r;
    };
    auto [served, shaken] = run(handshake_then_read(*stream), client_side());
    EXPECT_EQ(shaken, 0);
    ASSERT_FALSE(served.has_value());
    EXPECT_EQ(served.error().code(), Code::closed_without_notify);
}

TEST_F(Tls, TransportWriteFails) {
    auto config = make_config("ec");
    auto stream = Stream::create(config, ServerEnd{&duplex, SIZE_MAX, true});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file("ec.crt"));
    auto hello = [&]() -> async::Task<int> {
        co_return as(Party::client, [&] { return mbedtls_ssl_handshake(&client.ssl()); });
    };
    auto [served, sent] = run(stream->handshake(), hello());
    ASSERT_FALSE(served.has_value());
    EXPECT_EQ(served.error().code(), Code::transport);
}

TEST_F(Tls, BadSeedsAreRejected) {
    const auto cert = read_file("ec.crt");
    const auto key = read_file("ec.key");
    for (std::size_t size : {std::size_t{0}, std::size_t{47}, std::size_t{385}}) {
        auto made = as(Party::config, [&] { return tls::ServerConfig::create(cert, key, seed_bytes(size)); });
        ASSERT_FALSE(made.has_value()) << size;
        EXPECT_EQ(made.error().code(), Code::bad_seed);
    }
    for (std::size_t size : {std::size_t{48}, std::size_t{384}}) {
        auto made = as(Party::config, [&] { return tls::ServerConfig::create(cert, key, seed_bytes(size)); });
        ASSERT_TRUE(made.has_value()) << size;
        EXPECT_EQ(made->reseed(seed_bytes(47)).error().code(), Code::bad_seed);
        EXPECT_TRUE(made->reseed(seed_bytes(48, 9)).has_value());
        EXPECT_TRUE(made->reseed(seed_bytes(200, 9)).has_value());
    }
}

// A reseeded configuration still serves; two configurations from different seeds differ in
// their ServerHello randoms.
TEST_F(Tls, ReseededConfigurationServes) {
    auto config = make_config("ec");
    ASSERT_TRUE(config.reseed(seed_bytes(48, 77)).has_value());
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    Client client(duplex, read_file("ec.crt"));
    const auto data = pattern(10, 8);
    auto [served, echoed] = run(echo_session(*stream, data.size()), echo_client(client, data));
    ASSERT_TRUE(served.has_value()) << served.error().describe();
    EXPECT_EQ(*served, data);
}

// The generator does not ask for entropy of its own after mbedTLS's default of 10,000
// requests: there is none beyond the seed (MBEDTLS_CTR_DRBG_RESEED_INTERVAL).
TEST_F(Tls, GeneratorOutlastsTheDefaultReseedInterval) {
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ctr_drbg_init(&drbg);
    static bool seeded = false;
    seeded = false;
    const auto once = [](void *, unsigned char *out, std::size_t n) {
        if (seeded)
            return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
        seeded = true;
        std::memset(out, 0x33, n);
        return 0;
    };
    ASSERT_EQ(mbedtls_ctr_drbg_seed(&drbg, once, nullptr, nullptr, 0), 0);
    std::array<unsigned char, 32> block;
    for (int request = 0; request < 30000; ++request)
        ASSERT_EQ(mbedtls_ctr_drbg_random(&drbg, block.data(), block.size()), 0) << "request " << request;
    mbedtls_ctr_drbg_free(&drbg);
}

TEST_F(Tls, BadCertificatesAndKeysAreRejected) {
    const auto cert = read_file("ec.crt");
    const auto key = read_file("ec.key");
    const auto seed = seed_bytes(48);
    auto create = [&](const std::string &c, const std::string &k) {
        return as(Party::config, [&] { return tls::ServerConfig::create(c, k, seed); });
    };
    EXPECT_EQ(create("", key).error().code(), Code::bad_certificate);
    EXPECT_EQ(create("not a certificate", key).error().code(), Code::bad_certificate);
    std::string broken = cert;
    broken[broken.size() / 2] = broken[broken.size() / 2] == 'A' ? 'B' : 'A';
    EXPECT_EQ(create(broken, key).error().code(), Code::bad_certificate);
    EXPECT_EQ(create(cert, "").error().code(), Code::bad_key);
    EXPECT_EQ(create(cert, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").error().code(),
              Code::bad_key);
    EXPECT_EQ(create(cert, read_file("other-ec.key")).error().code(), Code::key_mismatch);
    EXPECT_EQ(create(cert, read_file("rsa.key")).error().code(), Code::key_mismatch);
    EXPECT_TRUE(create(read_file("rsa.crt"), read_file("rsa.key")).has_value());
    EXPECT_EQ(ledger.current[index(Party::config)], 0u) << "a failed configuration leaked";
}

TEST_F(Tls, EveryErrorIsDescribed) {
    for (int code = 0; code <= static_cast<int>(Code::transport); ++code) {
        const tls::Error error(static_cast<Code>(code));
        EXPECT_FALSE(error.describe().empty());
        EXPECT_NE(error.describe(), "unknown error");
        EXPECT_TRUE(error.reason().empty());
    }
    EXPECT_EQ(tls::Error(Code::protocol, MBEDTLS_ERR_SSL_INVALID_MAC).reason(), "a record's authentication failed");
    // A high-level code with a low-level one added (X.509 + ASN.1): the high level's words.
    EXPECT_EQ(tls::Error(Code::bad_certificate, MBEDTLS_ERR_X509_INVALID_FORMAT - 0x62).reason(),
              "invalid certificate format");
    EXPECT_EQ(tls::Error(Code::handshake, MBEDTLS_ERR_SSL_COUNTER_WRAPPING).reason(), "mbedTLS error (see mbedtls_error())");
}

// openssl s_client (another implementation) against the server over a TCP connection on the
// loopback: each suite with one of the curves, the certificate verified against itself. An
// ECDSA certificate needs its own curve (P-256) among the client's groups (RFC 8422 5.1):
// without it the server has no usable suite, as EcdsaCertificateNeedsItsCurve shows.
struct SocketEnd {
    int fd;

    async::Task<std::expected<std::size_t, TransportError>> read(std::span<std::byte> buffer) noexcept {
        co_await async::yield();
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n < 0)
            co_return std::unexpected(TransportError::broken);
        co_return static_cast<std::size_t>(n);
    }
    async::Task<std::expected<void, TransportError>> write_all(std::span<const std::byte> data) noexcept {
        co_await async::yield();
        while (!data.empty()) {
            const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0)
                co_return std::unexpected(TransportError::broken);
            data = data.subspan(static_cast<std::size_t>(n));
        }
        co_return std::expected<void, TransportError>{};
    }
};

struct OpensslCase {
    const char *name;
    const char *cipher;
    const char *group;
    const char *key;
};

class TlsOpenssl : public Tls, public testing::WithParamInterface<OpensslCase> {};

TEST_P(TlsOpenssl, OpensslClient) {
    const OpensslCase c = GetParam();
    auto config = make_config(c.key);
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(listener, 1), 0);
    socklen_t length = sizeof address;
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length), 0);

    const std::string cert = std::string(TLS_TEST_KEYS) + "/" + c.key + ".crt";
    const std::string command = "echo ping | " OPENSSL " s_client -quiet -connect 127.0.0.1:" +
                                std::to_string(ntohs(address.sin_port)) + " -tls1_2 -cipher " + c.cipher +
                                " -groups " + c.group + " -CAfile " + cert +
                                " -verify_hostname localhost -verify_return_error 2>&1";
    FILE *client = ::popen(command.c_str(), "r");
    ASSERT_NE(client, nullptr);
    pollfd waiting{listener, POLLIN, 0};
    ASSERT_EQ(::poll(&waiting, 1, 20000), 1) << "s_client did not connect";
    const int fd = ::accept(listener, nullptr, nullptr);
    ::close(listener);
    ASSERT_GE(fd, 0);
    const timeval timeout{20, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

    auto stream = tls::Stream<SocketEnd>::create(config, SocketEnd{fd});
    ASSERT_TRUE(stream.has_value());
    auto serve = [&]() -> async::Task<std::expected<std::string, tls::Error>> {
        if (auto shaken = co_await stream->handshake(); !shaken)
            co_return std::unexpected(shaken.error());
        std::array<std::byte, 100> buffer;
        auto n = co_await stream->read(buffer);
        if (!n)
            co_return std::unexpected(n.error());
        const std::string got(reinterpret_cast<const char *>(buffer.data()), *n);
        const std::string answer = "pong " + got;
        if (auto written = co_await stream->write_all(std::as_bytes(std::span(answer))); !written)
            co_return std::unexpected(written.error());
        if (auto closed = co_await stream->close(); !closed)
            co_return std::unexpected(closed.error());
        co_return got;
    };
    auto handle = executor.spawn(serve());
    ASSERT_TRUE(handle.has_value());
    executor.run_until_stalled();
    ASSERT_TRUE(handle->done());
    auto served = handle->take();
    ::close(fd);
    std::string output;
    std::array<char, 4096> chunk;
    while (std::size_t n = std::fread(chunk.data(), 1, chunk.size(), client))
        output.append(chunk.data(), n);
    const int status = ::pclose(client);
    ASSERT_TRUE(served.has_value()) << served.error().describe() << ": " << served.error().reason() << "\n" << output;
    EXPECT_EQ(*served, "ping\n");
    EXPECT_NE(output.find("pong ping"), std::string::npos) << output;
    EXPECT_EQ(status, 0) << output;
}

INSTANTIATE_TEST_SUITE_P(
    Suites, TlsOpenssl,
    testing::Values(OpensslCase{"EcdheEcdsaAes128Gcm", "ECDHE-ECDSA-AES128-GCM-SHA256", "X25519:P-256", "ec"},
                    OpensslCase{"EcdheEcdsaAes256Gcm", "ECDHE-ECDSA-AES256-GCM-SHA384", "P-384:P-256", "ec"},
                    OpensslCase{"EcdheEcdsaChacha20", "ECDHE-ECDSA-CHACHA20-POLY1305", "P-256", "ec"},
                    OpensslCase{"EcdheRsaAes128Gcm", "ECDHE-RSA-AES128-GCM-SHA256", "P-256", "rsa"},
                    OpensslCase{"EcdheRsaAes256Gcm", "ECDHE-RSA-AES256-GCM-SHA384", "X25519", "rsa"},
                    OpensslCase{"EcdheRsaChacha20", "ECDHE-RSA-CHACHA20-POLY1305", "P-384", "rsa"}),
    [](const testing::TestParamInfo<OpensslCase> &info) { return std::string(info.param.name); });

// The memory of one session: its own allocation (mbedTLS's context and the two buffers) and
// what mbedTLS allocates for it, at the handshake's peak and once the handshake is over, with
// an ECDSA P-256 and an RSA 2048 key.
class TlsMemory : public Tls, public testing::WithParamInterface<const char *> {};

TEST_P(TlsMemory, MemoryPerSession) {
    auto config = make_config(GetParam());
    const std::size_t config_bytes = ledger.current[index(Party::config)];
    auto stream = Stream::create(config, ServerEnd{&duplex});
    ASSERT_TRUE(stream.has_value());
    const std::size_t own = tls::detail::Session::state_bytes();
    const std::size_t before_handshake = ledger.current[index(Party::server)];
    Client client(duplex, read_file(std::string(GetParam()) + ".crt"));
    std::size_t after_handshake = 0;
    auto server_side = [&]() -> async::Task<std::expected<void, tls::Error>> {
        auto shaken = co_await stream->handshake();
        after_handshake = ledger.current[index(Party::server)];
        co_return shaken;
    };
    ledger.peak[index(Party::server)] = ledger.current[index(Party::server)];
    auto [served, shaken] = run(server_side(), client.handshake());
    ASSERT_TRUE(served.has_value());
    ASSERT_EQ(shaken, 0);
    const std::size_t peak = ledger.peak[index(Party::server)];
    std::cout << GetParam() << " session bytes: own " << own << ", mbedTLS's before the handshake "
              << before_handshake << ", at the handshake's peak " << peak << ", after it " << after_handshake
              << "; in all " << own + after_handshake << " per open session, " << own + peak
              << " at most; the configuration's mbedTLS bytes " << config_bytes << "\n";
    RecordProperty("session_bytes", static_cast<int>(own + after_handshake));
    RecordProperty("session_peak_bytes", static_cast<int>(own + peak));
    EXPECT_LT(own, 6000u);
    EXPECT_LT(own + after_handshake, 32u * 1024);
    EXPECT_LT(own + peak, 48u * 1024);
}

INSTANTIATE_TEST_SUITE_P(Keys, TlsMemory, testing::Values("ec", "rsa"),
                         [](const testing::TestParamInfo<const char *> &info) { return std::string(info.param); });

} // namespace
