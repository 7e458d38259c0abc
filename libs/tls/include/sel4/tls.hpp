/// @file
/// sel4::tls: TLS 1.2 server sessions over any byte stream, on mbedTLS 2.28 (libs/tls/README.md).
///
/// A ServerConfig holds the certificate chain, its private key and the random generator
/// (CTR_DRBG seeded from bytes the caller gives: virtio-rng's on a device). A Stream is one
/// session over a Transport, and is itself a Transport:
///
/// ```cpp
/// auto config = sel4::tls::ServerConfig::create(cert_pem, key_pem, seed);   // once
/// auto tls = sel4::tls::Stream<sel4::net::TcpStream>::create(*config, std::move(*tcp));
/// if (auto shaken = co_await tls->handshake(); !shaken) log(shaken.error().describe());
/// auto n = co_await tls->read(buffer);      // expected<size_t, Error>, 0: the peer's close_notify
/// co_await tls->write_all(bytes);           // expected<void, Error>
/// co_await tls->close();                    // close_notify
/// ```
///
/// A Transport has `co_await t.read(std::span<std::byte>)`, giving a std::expected-like count
/// of bytes (0 when the peer closed its side), and `co_await t.write_all(std::span<const
/// std::byte>)`, giving a std::expected-like value that is true when every byte went (as
/// sel4::net::TcpStream's). Any error of the transport is Error::Code::transport; the
/// transport's own error is not kept.
///
/// Memory BIO design: mbedTLS reads records from a receive buffer and writes them to a send
/// buffer, both the session's own; when it needs more bytes or room it stops (WANT_READ,
/// WANT_WRITE) and the Stream awaits the transport to fill or drain them, then runs mbedTLS
/// again. Everything runs on the executor's thread; mbedTLS's memory (its record buffers, the
/// handshake's state) comes from calloc/free: the runtime's heap in a `RUNTIME cxx` PD.
#pragma once

#include <sel4/async/task.hpp>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <string_view>
#include <utility>

namespace sel4::tls {

namespace detail {
class Session;
} // namespace detail

/// Why a configuration or a session failed.
class Error {
public:
    /// What failed.
    enum class Code : std::uint8_t {
        bad_seed,              ///< The seed is shorter than min_seed_bytes or longer than max_seed_bytes.
        out_of_memory,         ///< calloc failed (mbedTLS's or the session's own memory).
        bad_certificate,       ///< The certificate PEM did not parse (or held no certificate).
        bad_key,               ///< The private key PEM did not parse (or is encrypted).
        key_mismatch,          ///< The key is not the certificate's.
        random,                ///< CTR_DRBG could not be seeded (or reseeded).
        setup,                 ///< mbedTLS refused the configuration or the session's setup.
        handshake,             ///< The handshake failed (bad ClientHello, no shared suite, an alert, ...).
        protocol,              ///< A record after the handshake was bad (MAC, format), or the peer sent an alert.
        closed_during_handshake, ///< The transport reached its end before the handshake finished.
        closed_without_notify, ///< The transport reached its end without the peer's close_notify.
        transport,             ///< The transport's read or write failed.
    };

    /// An error of `code`; `mbedtls` is mbedTLS's (negative) error code, 0 when there is none.
    constexpr Error(Code code, int mbedtls = 0) noexcept : code_(code), mbedtls_(mbedtls) {}

    /// What failed.
    constexpr Code code() const noexcept { return code_; }
    /// mbedTLS's error code (negative), 0 when the error is not mbedTLS's.
    constexpr int mbedtls_error() const noexcept { return mbedtls_; }
    /// What failed, in words.
    std::string_view describe() const noexcept;
    /// mbedTLS's error in words, from a small table of the errors a server meets ("" when
    /// there is none; a pointer to mbedtls_error() when the table does not have it).
    std::string_view reason() const noexcept;

    /// Same code and same mbedTLS error.
    constexpr bool operator==(const Error &) const noexcept = default;

private:
    Code code_;
    int mbedtls_;
};

/// The smallest seed ServerConfig::create takes: CTR_DRBG's entropy input (48 bytes, AES-256
/// with a derivation function).
inline constexpr std::size_t min_seed_bytes = 48;
/// The largest seed: the entropy input and at most 336 more bytes of personalisation.
inline constexpr std::size_t max_seed_bytes = 384;

/// A server's configuration: its certificate chain and private key, mbedTLS's TLS 1.2 server
/// settings (the suites and curves of README.md) and the random generator all its sessions
/// share. Move-only, and it must outlive the Streams made with it.
class ServerConfig {
public:
    /// A configuration for the certificate chain `cert_pem` (the server's first, then its
    /// issuers) and its unencrypted private key `key_pem` (PKCS#8, SEC1 or PKCS#1 PEM),
    /// with CTR_DRBG seeded from `seed`: its first 48 bytes are the entropy, the rest
    /// personalisation. Errors: bad_seed, bad_certificate, bad_key, key_mismatch, random,
    /// setup, out_of_memory.
    static std::expected<ServerConfig, Error> create(std::string_view cert_pem, std::string_view key_pem,
                                                     std::span<const std::byte> seed) noexcept;

    /// Reseeds the random generator with fresh entropy (min_seed_bytes to max_seed_bytes, as
    /// create's seed). Errors: bad_seed, random.
    std::expected<void, Error> reseed(std::span<const std::byte> seed) noexcept;

    /// Takes `other`'s configuration (Streams made with it stay valid: the state does not move).
    ServerConfig(ServerConfig &&other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
    /// Frees its own configuration, takes `other`'s.
    ServerConfig &operator=(ServerConfig &&other) noexcept;
    /// Frees the certificate, the key, the generator and mbedTLS's configuration.
    ~ServerConfig();

    /// mbedTLS's state (src/tls.cpp).
    struct State;

private:
    friend class detail::Session;
    explicit ServerConfig(State *state) noexcept : state_(state) {}
    State *state_;
};

namespace detail {

/// What a Session needs before mbedTLS can go on.
enum class Want : std::uint8_t {
    nothing, ///< The step finished: its result is there.
    input,   ///< More bytes from the transport (the receive buffer is empty).
    output,  ///< Room: the send buffer must be written to the transport first.
};

/// One step's outcome: finished with `bytes` (read, or taken from the caller's data), or
/// waiting for the transport.
struct Step {
    Want want;
    std::size_t bytes = 0;
};

/// The part of a Stream that is not a template: mbedTLS's session, its receive and send
/// buffers (src/tls.cpp), each call running mbedTLS until it finishes or needs the
/// transport.
class Session {
public:
    /// Bytes of the receive and the send buffer.
    static constexpr std::size_t receive_bytes = 2048;
    static constexpr std::size_t send_bytes = 2048;

    /// A session of `config`. Errors: out_of_memory, setup.
    static std::expected<Session, Error> create(const ServerConfig &config) noexcept;
    /// Takes `other`'s session.
    Session(Session &&other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
    Session &operator=(Session &&) = delete;
    /// Frees mbedTLS's session and the buffers.
    ~Session();

    /// mbedtls_ssl_handshake.
    std::expected<Step, Error> handshake() noexcept;
    /// mbedtls_ssl_read into `buffer` (not empty); bytes 0: the peer's close_notify.
    std::expected<Step, Error> read(std::span<std::byte> buffer) noexcept;
    /// mbedtls_ssl_write of (a first part of) `data`; bytes: how much it took.
    std::expected<Step, Error> write(std::span<const std::byte> data) noexcept;
    /// mbedtls_ssl_close_notify.
    std::expected<Step, Error> close_notify() noexcept;
    /// Whether the handshake has finished.
    bool handshake_done() const noexcept;
    /// Bytes of a session's own allocation: mbedTLS's context and the two buffers (beside it,
    /// mbedTLS allocates its record buffers and, during the handshake, the handshake's state).
    static std::size_t state_bytes() noexcept;

    /// Where the transport's next read goes (the whole receive buffer: mbedTLS took every byte).
    std::span<std::byte> receive_space() noexcept;
    /// The transport put `bytes` bytes into receive_space().
    void received(std::size_t bytes) noexcept;
    /// What mbedTLS wrote and the transport has not taken yet.
    std::span<const std::byte> pending_output() const noexcept;
    /// The transport took all of pending_output().
    void sent() noexcept;

    /// mbedTLS's session and the buffers (src/tls.cpp).
    struct State;

private:
    explicit Session(State *state) noexcept : state_(state) {}
    State *state_;
};

} // namespace detail

/// One TLS session, server side, over a Transport it owns (see the file's comment). Move-only;
/// the ServerConfig must outlive it. Not for two tasks at once: one reads or writes at a time
/// (a read and a write from two tasks would interleave mbedTLS's steps).
template <class Transport> class Stream {
public:
    /// A session of `config` over `transport`; nothing is sent until handshake() (or the
    /// first read or write, which runs the handshake first). Errors: out_of_memory, setup.
    static std::expected<Stream, Error> create(const ServerConfig &config, Transport transport) noexcept {
        auto session = detail::Session::create(config);
        if (!session)
            return std::unexpected(session.error());
        return Stream(std::move(*session), std::move(transport));
    }

    /// Runs the handshake to its end (the server's last flight written). Errors: handshake,
    /// closed_during_handshake, transport, out_of_memory, random.
    async::Task<std::expected<void, Error>> handshake() noexcept {
        auto done = co_await drive([](detail::Session &session) noexcept { return session.handshake(); });
        if (!done)
            co_return std::unexpected(done.error());
        co_return std::expected<void, Error>{};
    }

    /// Up to buffer.size() bytes of application data (at least one); 0 when the peer sent
    /// close_notify (or at once when `buffer` is empty). Errors: protocol,
    /// closed_without_notify, transport (and handshake's).
    async::Task<std::expected<std::size_t, Error>> read(std::span<std::byte> buffer) noexcept {
        if (buffer.empty())
            co_return std::size_t{0};
        co_return co_await drive([buffer](detail::Session &session) noexcept { return session.read(buffer); });
    }

    /// Writes all of `data` (records of at most 4 KiB) and waits until the transport took
    /// them. Errors: protocol, transport (and handshake's).
    async::Task<std::expected<void, Error>> write_all(std::span<const std::byte> data) noexcept {
        while (!data.empty()) {
            auto taken = co_await drive([data](detail::Session &session) noexcept { return session.write(data); });
            if (!taken)
                co_return std::unexpected(taken.error());
            data = data.subspan(*taken);
        }
        co_return std::expected<void, Error>{};
    }

    /// Sends close_notify (the transport stays open: closing it is the caller's). Errors:
    /// transport.
    async::Task<std::expected<void, Error>> close() noexcept {
        auto done = co_await drive([](detail::Session &session) noexcept { return session.close_notify(); });
        if (!done)
            co_return std::unexpected(done.error());
        co_return std::expected<void, Error>{};
    }

    /// Whether the handshake has finished.
    bool handshake_done() const noexcept { return session_.handshake_done(); }
    /// The transport.
    Transport &transport() noexcept { return transport_; }

private:
    Stream(detail::Session session, Transport transport) noexcept
        : session_(std::move(session)), transport_(std::move(transport)) {}

    /// Runs `step` until it finishes: after each run the send buffer goes to the transport,
    /// and when mbedTLS wants input the transport fills the receive buffer. On an error,
    /// what mbedTLS wrote (its alert) is still sent, as far as the transport takes it.
    template <class StepFunction> async::Task<std::expected<std::size_t, Error>> drive(StepFunction step) noexcept {
        for (;;) {
            auto result = step(session_);
            if (const auto pending = session_.pending_output(); !pending.empty()) {
                auto written = co_await transport_.write_all(pending);
                if (result && !written)
                    co_return std::unexpected(Error(Error::Code::transport));
                session_.sent();
            }
            if (!result)
                co_return std::unexpected(result.error());
            if (result->want == detail::Want::nothing)
                co_return result->bytes;
            if (result->want == detail::Want::input) {
                auto got = co_await transport_.read(session_.receive_space());
                if (!got)
                    co_return std::unexpected(Error(Error::Code::transport));
                if (*got == 0)
                    co_return std::unexpected(Error(session_.handshake_done() ? Error::Code::closed_without_notify
                                                                              : Error::Code::closed_during_handshake));
                session_.received(*got);
            }
        }
    }

    detail::Session session_;
    Transport transport_;
};

} // namespace sel4::tls
