// serial.echo: a client of the serial driver (channel 5, as in the standard system fragment)
// whose log goes through the driver (its Sink), and which echoes every character it receives
// back through the driver's tx path ("\r\n" for a line's end). After each full line it logs
// the line. type-lines.sh types a short line, one of 200 characters (more than the UARTs'
// 16-character FIFOs) and one of 5000 (more than the rx queue's 4096): before the third the
// client stops reading until the rx queue is full, so that the driver stalls and resumes
// when the client reads again (the queue's producer_signalled handshake). Every line is
// checked, then the success line logged.
#include <sel4/async.hpp>
#include <sel4/async/microkit.hpp>
#include <sel4/drivers/serial.hpp>
#include <sel4/drivers/serial/regions.hpp>
#include <sel4/log.hpp>
#include <sel4/microkit.hpp>
#include <sel4/runtime/abort.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mk = sel4::microkit;
namespace as = sel4::async;


namespace {

constexpr mk::Channel serial_channel(5);
constexpr std::string_view first_line = "hello from the host";

as::FramePool<8 * 1024> frames;

sel4::drivers::serial::Client attach() noexcept {
    auto client = sel4::drivers::serial::Client::attach(sel4::drivers::serial::regions(), serial_channel);
    if (!client)
        sel4_runtime::fatal("serial.echo: the serial queues do not fit: ", sel4::queue::describe(client.error()));
    return *client;
}

// The second and third lines: "0123456789" repeated, 200 and 5000 characters.
constexpr std::size_t long_line = 200, longer_line = 5000;

class EchoClient : public mk::Handler {
public:
    EchoClient() : serial_(attach()) {
        sel4::log::set_sink(serial_.log_sink());
        auto task = executor_.spawn(echo());
        if (!task)
            sel4_runtime::fatal("serial.echo: the echo task's frame does not fit");
        main_ = std::move(*task);
        sel4::log::info("serial.echo: ready");
        executor_.run_until_stalled();
    }

    void notified(mk::ChannelSet channels) { as::microkit::notified(executor_, channels); }

private:
    as::Task<void> echo() {
        std::array<std::byte, 64> buffer;
        std::array<char, 64> line{}; // the line's start, for the log and the first line's check
        std::size_t length = 0, lines = 0, received = 0;
        bool digits = true; // every character so far is '0' + its position % 10
        bool passed = true;
        while (lines < 3) {
            if (lines == 2 && length == 0) {
                // Back-pressure: read nothing until the rx queue is full. The driver then
                // stops draining the UART (the host's bytes wait in its FIFO and in QEMU) and
                // asks to be told; the reads below tell it, and the rest of the line comes.
                sel4::log::info("serial.echo: not reading until the rx queue is full");
                while (serial_.available() < serial_.queues().rx.capacity())
                    co_await as::microkit::wait(executor_, serial_channel);
                sel4::log::info("serial.echo: the rx queue is full ({} characters): reading again",
                                serial_.available());
            }
            const std::size_t got = co_await serial_.read_some(executor_, buffer);
            received += got;
            for (std::size_t i = 0; i < got; ++i) {
                const char c = static_cast<char>(buffer[i]);
                if (c != '\r' && c != '\n') {
                    co_await serial_.write_all(executor_, std::span<const std::byte>(&buffer[i], 1));
                    if (length < line.size())
                        line[length] = c;
                    digits = digits && c == static_cast<char>('0' + length % 10);
                    ++length;
                    continue;
                }
                if (length == 0)
                    continue; // the other half of a "\r\n", or an empty line
                co_await serial_.write_all(executor_, std::as_bytes(std::span<const char>("\r\n", 2)));
                const std::string_view text(line.data(), length < line.size() ? length : line.size());
                ++lines;
                sel4::log::info("serial.echo: line {} ({} characters): '{}'{}", lines, length, text,
                                length > line.size() ? "..." : "");
                if (lines == 1 && text != first_line) {
                    sel4::log::error("serial.echo: FAIL: the first line is not '{}'", first_line);
                    passed = false;
                }
                if ((lines == 2 && (length != long_line || !digits)) || (lines == 3 && (length != longer_line || !digits))) {
                    sel4::log::error("serial.echo: FAIL: line {} is not {} characters of 0123456789...", lines,
                                     lines == 2 ? long_line : longer_line);
                    passed = false;
                }
                length = 0;
                digits = true;
            }
        }
        sel4::log::info("serial.echo: {} characters received, {} log bytes dropped", received, serial_.dropped());
        if (passed)
            sel4::log::info("serial.echo: test passed");
    }

    sel4::drivers::serial::Client serial_;
    as::Executor executor_;
    as::JoinHandle<void> main_;
};

EchoClient make_client() { return EchoClient(); }

} // namespace

SEL4_MICROKIT_PD(make_client)
