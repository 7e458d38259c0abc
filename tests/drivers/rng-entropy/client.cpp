// The client PD of rng.entropy: reads 64 bytes of entropy from the virtio-rng driver with
// sel4::drivers::rng::Client (protected calls; when the pool runs dry it waits for the
// driver's notification and reads on), prints them in hex on one line, checks that they
// are neither all zero nor all one value, then drains 4 KiB, four times the driver's pool
// (so it must refill it; when a read comes back short the client waits for the driver's
// notification), and checks that the bytes take (nearly) every value.
#include <sel4/debug.hpp>
#include <sel4/drivers/rng.hpp>
#include <sel4/microkit.hpp>
#include <sel4/runtime/abort.hpp>

#include <array>
#include <cstddef>

namespace mk = sel4::microkit;
namespace rng = sel4::drivers::rng;

namespace {

const rng::Client entropy(mk::Channel(3)); // the standard rng channel (drivers/systems.cmake)

[[noreturn]] void fail(const char *what, std::uint64_t detail = 0) noexcept {
    sel4::debug::println("rng-entropy: FAIL: {} ({})", what, detail);
    sel4_runtime::fatal("rng-entropy: ", what);
}

struct Client : mk::Handler {
    std::array<std::byte, 64> bytes{};
    std::size_t have = 0;
    std::size_t drained = 0;   // bytes taken in phase 2
    unsigned empty_reads = 0;  // reads that came back short in phase 2
    std::array<bool, 256> seen{}; // the byte values drained
    bool printed = false;

    Client() { step(); }

    void notified(mk::ChannelSet channels) {
        if (!channels.contains(entropy.channel()))
            fail("a notification from another channel", channels.bits());
        step();
    }

    // Reads until the 64 bytes are there (phase 1), then 4 KiB more (phase 2), waiting for
    // the driver's notification whenever a read comes back short.
    void step() {
        while (!printed) {
            auto given = entropy.read(std::span(bytes).subspan(have));
            if (!given) {
                sel4::debug::println("rng-entropy: read: {}", given.error().describe());
                fail("the driver's reply");
            }
            have += *given;
            if (have < bytes.size())
                return; // the pool is empty: the driver notifies when it has more
            report();
        }
        std::array<std::byte, 48> sink{};
        while (drained < 4096) {
            auto given = entropy.read(sink);
            if (!given)
                fail("the driver's reply while draining");
            for (std::size_t i = 0; i < *given; ++i)
                seen[static_cast<unsigned>(sink[i])] = true;
            drained += *given;
            if (*given < sink.size()) {
                ++empty_reads;
                return;
            }
        }
        std::size_t values = 0;
        for (bool b : seen)
            values += b ? 1 : 0;
        sel4::debug::println("rng-entropy: drained {} more bytes from the 1 KiB pool ({} short reads waited for a "
                             "refill), {} distinct byte values",
                             drained, empty_reads, values);
        // 4 KiB of uniform bytes miss a given value with probability (255/256)^4096 < 1e-7.
        if (values < 250)
            fail("the drained bytes take few values", values);
        sel4::debug::println("cpp-sel4: test passed");
        drained = ~std::size_t{0} >> 1; // done: ignore later notifications
    }

    void report() {
        printed = true;
        std::array<char, 2 * 64 + 1> hex{};
        constexpr char digits[] = "0123456789abcdef";
        bool all_same = true;
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            const auto b = static_cast<unsigned>(bytes[i]);
            hex[2 * i] = digits[b >> 4];
            hex[2 * i + 1] = digits[b & 15];
            all_same &= bytes[i] == bytes[0];
        }
        sel4::debug::println("rng-entropy: 64 bytes: {}", std::string_view(hex.data(), 2 * bytes.size()));
        if (all_same)
            fail("the 64 bytes are all the same value", static_cast<unsigned>(bytes[0]));
    }
};

Client make_client() { return Client(); }

} // namespace

SEL4_MICROKIT_PD(make_client)
