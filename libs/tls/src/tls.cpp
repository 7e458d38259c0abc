// sel4::tls's mbedTLS side: the server configuration, the session with its memory BIO, and the
// errors in words.
#include <sel4/tls.hpp>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/error.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <new>

namespace sel4::tls {

struct ServerConfig::State {
    State() noexcept {
        mbedtls_ssl_config_init(&ssl);
        mbedtls_x509_crt_init(&certificate);
        mbedtls_pk_init(&key);
        mbedtls_ctr_drbg_init(&drbg);
    }
    ~State() {
        mbedtls_ssl_config_free(&ssl);
        mbedtls_x509_crt_free(&certificate);
        mbedtls_pk_free(&key);
        mbedtls_ctr_drbg_free(&drbg);
    }
    State(const State &) = delete;
    State &operator=(const State &) = delete;

    mbedtls_ssl_config ssl;
    mbedtls_x509_crt certificate;
    mbedtls_pk_context key;
    mbedtls_ctr_drbg_context drbg;
    /// The entropy CTR_DRBG takes next (during a seed or a reseed only).
    std::span<const std::byte> entropy;
};

struct detail::Session::State {
    State() noexcept { mbedtls_ssl_init(&ssl); }
    ~State() { mbedtls_ssl_free(&ssl); }
    State(const State &) = delete;
    State &operator=(const State &) = delete;

    mbedtls_ssl_context ssl;
    std::size_t receive_begin = 0; ///< The receive buffer's bytes mbedTLS has not taken: [begin, end).
    std::size_t receive_end = 0;
    std::size_t send_used = 0; ///< The send buffer's bytes the transport has not taken.
    std::array<std::byte, receive_bytes> receive_buffer;
    std::array<std::byte, send_bytes> send_buffer;
};

namespace {

constexpr std::size_t entropy_bytes = MBEDTLS_CTR_DRBG_ENTROPY_LEN;
static_assert(entropy_bytes == min_seed_bytes);
static_assert(max_seed_bytes == MBEDTLS_CTR_DRBG_MAX_SEED_INPUT);

// The key exchanges' curves, fastest first.
constexpr mbedtls_ecp_group_id curves[] = {MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1,
                                           MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_NONE};

// CTR_DRBG's entropy source: the bytes create() or reseed() hands it, once.
int take_entropy(void *context, unsigned char *out, std::size_t length) noexcept {
    auto &state = *static_cast<ServerConfig::State *>(context);
    if (state.entropy.size() < length)
        return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    std::memcpy(out, state.entropy.data(), length);
    state.entropy = state.entropy.subspan(length);
    return 0;
}

bool seed_size_ok(std::span<const std::byte> seed) noexcept {
    return seed.size() >= min_seed_bytes && seed.size() <= max_seed_bytes;
}

const unsigned char *bytes(std::span<const std::byte> span) noexcept {
    return reinterpret_cast<const unsigned char *>(span.data());
}

// mbedTLS parses PEM only from a NUL-terminated buffer (whose length counts the NUL): a copy.
class Terminated {
public:
    explicit Terminated(std::string_view text) noexcept : bytes_(new (std::nothrow) unsigned char[text.size() + 1]) {
        if (bytes_) {
            std::memcpy(bytes_.get(), text.data(), text.size());
            bytes_[text.size()] = 0;
            size_ = text.size() + 1;
        }
    }
    ~Terminated() {
        if (bytes_)
            mbedtls_platform_zeroize(bytes_.get(), size_); // a private key's copy
    }
    Terminated(const Terminated &) = delete;
    Terminated &operator=(const Terminated &) = delete;
    explicit operator bool() const noexcept { return bytes_ != nullptr; }
    const unsigned char *data() const noexcept { return bytes_.get(); }
    std::size_t size() const noexcept { return size_; }

private:
    std::unique_ptr<unsigned char[]> bytes_;
    std::size_t size_ = 0;
};

bool out_of_memory(int error) noexcept {
    return error == MBEDTLS_ERR_X509_ALLOC_FAILED || error == MBEDTLS_ERR_PK_ALLOC_FAILED ||
           error == MBEDTLS_ERR_SSL_ALLOC_FAILED || error == MBEDTLS_ERR_MPI_ALLOC_FAILED ||
           error == MBEDTLS_ERR_ECP_ALLOC_FAILED || error == MBEDTLS_ERR_PEM_ALLOC_FAILED ||
           error == MBEDTLS_ERR_ASN1_ALLOC_FAILED || error == MBEDTLS_ERR_CIPHER_ALLOC_FAILED ||
           error == MBEDTLS_ERR_MD_ALLOC_FAILED;
}

// The memory BIO: mbedTLS reads from the receive buffer and appends to the send buffer.
int bio_receive(void *context, unsigned char *out, std::size_t length) noexcept {
    auto &state = *static_cast<detail::Session::State *>(context);
    const std::size_t available = state.receive_end - state.receive_begin;
    if (available == 0)
        return MBEDTLS_ERR_SSL_WANT_READ;
    const std::size_t n = std::min(available, length);
    std::memcpy(out, state.receive_buffer.data() + state.receive_begin, n);
    state.receive_begin += n;
    if (state.receive_begin == state.receive_end)
        state.receive_begin = state.receive_end = 0;
    return static_cast<int>(n);
}

int bio_send(void *context, const unsigned char *data, std::size_t length) noexcept {
    auto &state = *static_cast<detail::Session::State *>(context);
    const std::size_t room = state.send_buffer.size() - state.send_used;
    if (room == 0)
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    const std::size_t n = std::min(room, length);
    std::memcpy(state.send_buffer.data() + state.send_used, data, n);
    state.send_used += n;
    return static_cast<int>(n);
}

// mbedTLS's result of a session call: a count, a wait, or an error of `code`.
std::expected<detail::Step, Error> step(int result, Error::Code code) noexcept {
    if (result >= 0)
        return detail::Step{detail::Want::nothing, static_cast<std::size_t>(result)};
    if (result == MBEDTLS_ERR_SSL_WANT_READ)
        return detail::Step{detail::Want::input};
    if (result == MBEDTLS_ERR_SSL_WANT_WRITE)
        return detail::Step{detail::Want::output};
    if (out_of_memory(result))
        return std::unexpected(Error(Error::Code::out_of_memory, result));
    if (result == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED || result == MBEDTLS_ERR_CTR_DRBG_REQUEST_TOO_BIG)
        return std::unexpected(Error(Error::Code::random, result));
    return std::unexpected(Error(code, result));
}

} // namespace

std::expected<ServerConfig, Error> ServerConfig::create(std::string_view cert_pem, std::string_view key_pem,
                                                        std::span<const std::byte> seed) noexcept {
    if (!seed_size_ok(seed))
        return std::unexpected(Error(Error::Code::bad_seed));
    std::unique_ptr<State> state(new (std::nothrow) State);
    if (!state)
        return std::unexpected(Error(Error::Code::out_of_memory));

    state->entropy = seed;
    const auto personal = seed.subspan(entropy_bytes);
    int result = mbedtls_ctr_drbg_seed(&state->drbg, take_entropy, state.get(), bytes(personal), personal.size());
    state->entropy = {};
    if (result != 0)
        return std::unexpected(Error(out_of_memory(result) ? Error::Code::out_of_memory : Error::Code::random, result));

    {
        const Terminated cert(cert_pem);
        if (!cert)
            return std::unexpected(Error(Error::Code::out_of_memory));
        result = mbedtls_x509_crt_parse(&state->certificate, cert.data(), cert.size());
        if (result != 0 || state->certificate.version == 0) {
            if (out_of_memory(result))
                return std::unexpected(Error(Error::Code::out_of_memory, result));
            return std::unexpected(Error(Error::Code::bad_certificate, result > 0 ? 0 : result));
        }
    }
    {
        const Terminated key(key_pem);
        if (!key)
            return std::unexpected(Error(Error::Code::out_of_memory));
        result = mbedtls_pk_parse_key(&state->key, key.data(), key.size(), nullptr, 0);
        if (result != 0)
            return std::unexpected(Error(out_of_memory(result) ? Error::Code::out_of_memory : Error::Code::bad_key, result));
    }
    result = mbedtls_pk_check_pair(&state->certificate.pk, &state->key);
    if (result != 0)
        return std::unexpected(Error(Error::Code::key_mismatch, result));

    auto &ssl = state->ssl;
    result = mbedtls_ssl_config_defaults(&ssl, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (result != 0)
        return std::unexpected(Error(Error::Code::setup, result));
    mbedtls_ssl_conf_min_version(&ssl, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&ssl, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_curves(&ssl, curves);
    mbedtls_ssl_conf_rng(&ssl, mbedtls_ctr_drbg_random, &state->drbg);
    result = mbedtls_ssl_conf_own_cert(&ssl, &state->certificate, &state->key);
    if (result != 0)
        return std::unexpected(Error(out_of_memory(result) ? Error::Code::out_of_memory : Error::Code::setup, result));
    return ServerConfig(state.release());
}

std::expected<void, Error> ServerConfig::reseed(std::span<const std::byte> seed) noexcept {
    if (!seed_size_ok(seed))
        return std::unexpected(Error(Error::Code::bad_seed));
    state_->entropy = seed;
    const auto additional = seed.subspan(entropy_bytes);
    const int result = mbedtls_ctr_drbg_reseed(&state_->drbg, bytes(additional), additional.size());
    state_->entropy = {};
    if (result != 0)
        return std::unexpected(Error(Error::Code::random, result));
    return {};
}

ServerConfig &ServerConfig::operator=(ServerConfig &&other) noexcept {
    if (this != &other) {
        delete state_;
        state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
}

ServerConfig::~ServerConfig() { delete state_; }

namespace detail {

std::expected<Session, Error> Session::create(const ServerConfig &config) noexcept {
    std::unique_ptr<State> state(new (std::nothrow) State);
    if (!state)
        return std::unexpected(Error(Error::Code::out_of_memory));
    const int result = mbedtls_ssl_setup(&state->ssl, &config.state_->ssl);
    if (result != 0)
        return std::unexpected(Error(out_of_memory(result) ? Error::Code::out_of_memory : Error::Code::setup, result));
    mbedtls_ssl_set_bio(&state->ssl, state.get(), bio_send, bio_receive, nullptr);
    return Session(state.release());
}

Session::~Session() { delete state_; }

std::expected<Step, Error> Session::handshake() noexcept {
    return step(mbedtls_ssl_handshake(&state_->ssl), Error::Code::handshake);
}

std::expected<Step, Error> Session::read(std::span<std::byte> buffer) noexcept {
    const bool during_handshake = !handshake_done();
    const int result =
        mbedtls_ssl_read(&state_->ssl, reinterpret_cast<unsigned char *>(buffer.data()), buffer.size());
    if (result == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
        return Step{Want::nothing, 0};
    return step(result, during_handshake ? Error::Code::handshake : Error::Code::protocol);
}

std::expected<Step, Error> Session::write(std::span<const std::byte> data) noexcept {
    const bool during_handshake = !handshake_done();
    return step(mbedtls_ssl_write(&state_->ssl, reinterpret_cast<const unsigned char *>(data.data()), data.size()),
                during_handshake ? Error::Code::handshake : Error::Code::protocol);
}

std::expected<Step, Error> Session::close_notify() noexcept {
    return step(mbedtls_ssl_close_notify(&state_->ssl), Error::Code::protocol);
}

bool Session::handshake_done() const noexcept { return state_->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER; }

std::size_t Session::state_bytes() noexcept { return sizeof(State); }

std::span<std::byte> Session::receive_space() noexcept {
    return std::span(state_->receive_buffer).subspan(state_->receive_end);
}

void Session::received(std::size_t bytes) noexcept { state_->receive_end += bytes; }

std::span<const std::byte> Session::pending_output() const noexcept {
    return std::span(state_->send_buffer).first(state_->send_used);
}

void Session::sent() noexcept { state_->send_used = 0; }

} // namespace detail

std::string_view Error::describe() const noexcept {
    switch (code_) {
    case Code::bad_seed: return "the seed is not 48 to 384 bytes";
    case Code::out_of_memory: return "out of memory";
    case Code::bad_certificate: return "the certificate does not parse";
    case Code::bad_key: return "the private key does not parse";
    case Code::key_mismatch: return "the private key is not the certificate's";
    case Code::random: return "the random generator could not be seeded";
    case Code::setup: return "mbedTLS refused the configuration";
    case Code::handshake: return "the TLS handshake failed";
    case Code::protocol: return "a TLS record was bad, or the peer sent an alert";
    case Code::closed_during_handshake: return "the connection ended during the handshake";
    case Code::closed_without_notify: return "the connection ended without close_notify";
    case Code::transport: return "the transport failed";
    }
    return "unknown error";
}

std::string_view Error::reason() const noexcept {
    struct Entry {
        int code;
        std::string_view text;
    };
    static constexpr Entry table[] = {
        {MBEDTLS_ERR_SSL_BAD_HS_CLIENT_HELLO, "bad ClientHello"},
        {MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION, "the client does not speak TLS 1.2"},
        {MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN, "no cipher suite in common"},
        {MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE, "no usable cipher suite"},
        {MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE, "bad ClientKeyExchange"},
        {MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_RP, "bad ClientKeyExchange (public key)"},
        {MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_CS, "bad ClientKeyExchange (shared secret)"},
        {MBEDTLS_ERR_SSL_BAD_HS_CHANGE_CIPHER_SPEC, "bad ChangeCipherSpec"},
        {MBEDTLS_ERR_SSL_BAD_HS_FINISHED, "bad Finished (keys or transcript differ)"},
        {MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE, "the peer sent a fatal alert"},
        {MBEDTLS_ERR_SSL_INVALID_MAC, "a record's authentication failed"},
        {MBEDTLS_ERR_SSL_INVALID_RECORD, "an invalid record"},
        {MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE, "an unexpected message"},
        {MBEDTLS_ERR_SSL_UNEXPECTED_RECORD, "an unexpected record"},
        {MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY, "unknown identity"},
        {MBEDTLS_ERR_SSL_INTERNAL_ERROR, "mbedTLS internal error"},
        {MBEDTLS_ERR_SSL_ALLOC_FAILED, "mbedTLS could not allocate"},
        {MBEDTLS_ERR_SSL_BAD_INPUT_DATA, "bad input to mbedTLS"},
        {MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED, "no entropy left for CTR_DRBG"},
        {MBEDTLS_ERR_PK_PASSWORD_REQUIRED, "the key is encrypted"},
        {MBEDTLS_ERR_PK_KEY_INVALID_FORMAT, "invalid key format"},
        {MBEDTLS_ERR_PK_UNKNOWN_PK_ALG, "unknown key algorithm"},
        {MBEDTLS_ERR_PK_BAD_INPUT_DATA, "the key does not match"},
        {MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT, "no PEM header and footer"},
        {MBEDTLS_ERR_X509_INVALID_FORMAT, "invalid certificate format"},
        {MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG, "unknown signature algorithm"},
    };
    if (mbedtls_ == 0)
        return {};
    for (const auto &entry : table) {
        if (entry.code == mbedtls_)
            return entry.text;
    }
    // mbedTLS's codes add a low-level module's code to a high-level one's (X.509 + ASN.1):
    // the high level's part alone.
    const int high = -(-mbedtls_ & 0xff80);
    for (const auto &entry : table) {
        if (entry.code == high)
            return entry.text;
    }
    return "mbedTLS error (see mbedtls_error())";
}

} // namespace sel4::tls
