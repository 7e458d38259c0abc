// sel4-tls-check: sel4/tls.hpp compiled with target code's flags, Stream's members instantiated
// over a transport of the shape sel4::net::TcpStream has (each call a Task of a std::expected),
// and the whole library linked into a `RUNTIME cxx` Microkit PD, as a server PD links it. Built,
// never booted: its size is the library's cost in a PD (README.md).
#include <sel4/microkit.hpp>
#include <sel4/tls.hpp>

#include <array>
#include <cstddef>
#include <expected>
#include <span>

namespace {

enum class CheckError { failed };

struct CheckTransport {
    sel4::async::Task<std::expected<std::size_t, CheckError>> read(std::span<std::byte> buffer) noexcept {
        co_return buffer.size();
    }
    sel4::async::Task<std::expected<void, CheckError>> write_all(std::span<const std::byte>) noexcept {
        co_return std::unexpected(CheckError::failed);
    }
};

class Check : public sel4::microkit::Handler {
public:
    Check() noexcept {
        const std::array<std::byte, sel4::tls::min_seed_bytes> seed{};
        auto config = sel4::tls::ServerConfig::create("", "", seed);
        if (config && config->reseed(seed))
            stream_ok_ = sel4::tls::Stream<CheckTransport>::create(*config, CheckTransport{}).has_value();
    }
    void notified(sel4::microkit::ChannelSet) noexcept {}

private:
    bool stream_ok_ = false;
};

Check make_check() noexcept { return {}; }

} // namespace

template class sel4::tls::Stream<CheckTransport>;

SEL4_MICROKIT_PD(make_check)
