// dhcp: a PD that asks QEMU's user network for an address by DHCP (lwIP's client over the
// virtio-net driver, sel4::net's Stack) and logs the lease:
//   dhcp|INFO: lease: address 10.0.2.15/24, gateway 10.0.2.2, DNS 10.0.2.3
// after how long the exchange took (on the timer driver's clock) and how many of lwIP's random
// numbers (DHCP's transaction id) virtio-rng could not give at once.
#include <sel4/async.hpp>
#include <sel4/log.hpp>
#include <sel4/microkit.hpp>
#include <sel4/net.hpp>
#include <sel4/net/microkit.hpp>

#include <chrono>

namespace {

namespace async = sel4::async;
namespace log = sel4::log;
using namespace std::chrono_literals;

async::FramePool<16 * 1024> frames;
sel4::net::microkit::Client network;

async::Task<void> get_lease(sel4::net::Stack &stack) {
    log::info("interface {}, asking for an address by DHCP", network.mac().to_text().view());
    if (auto started = stack.start_dhcp(); !started) {
        log::error("DHCP does not start: {}", sel4::net::describe(started.error()));
        co_return;
    }
    const auto start = network.clock().now();
    auto lease = co_await network.timers().timeout(stack.dhcp_bound(), 20s);
    if (!lease) {
        log::error("no DHCP lease within 20 s");
        co_return;
    }
    if (!*lease) {
        log::error("DHCP: {}", sel4::net::describe(lease->error()));
        co_return;
    }
    const auto took = (network.clock().now() - start) / 1ms;
    log::info("bound in {} ms; random numbers: {} from the sequence while virtio-rng's pool was empty", took,
              network.random_fallbacks());
    log::info("lease: {}", (*lease)->to_text().view());
}

struct Dhcp : sel4::microkit::Handler {
    async::Executor executor;
    async::JoinHandle<void> task;

    Dhcp() {
        auto spawned = executor.spawn(get_lease(network.start()));
        if (!spawned)
            log::error("the task's frame does not fit in the frame pool");
        else
            task = std::move(*spawned);
        executor.run_until_stalled();
    }
    void notified(sel4::microkit::ChannelSet channels) { network.notified(channels, executor); }
};

Dhcp make_dhcp() { return Dhcp(); }

} // namespace

SEL4_MICROKIT_PD(make_dhcp)
