// sel4::net::microkit::Client: the network client's start from the system's setvars.
#include <sel4/net/microkit.hpp>

#include <sel4/drivers/net.hpp>
#include <sel4/drivers/net/client_regions.hpp> // the setvars of @NET_CLIENT_MAPS@
#include <sel4/lwip/port.hpp>
#include <sel4/runtime/abort.hpp>

#include <cstring>

namespace sel4::net::microkit {

namespace {

void notify_driver(void *) noexcept { net_channel.notify(); }

std::uint32_t lwip_random(void *client) noexcept { return static_cast<Client *>(client)->random(); }

std::uint64_t splitmix64(std::uint64_t &state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
}

} // namespace

Stack &Client::start() noexcept {
    namespace driver = sel4::drivers::net;
    if (stack_)
        sel4_runtime::fatal("sel4::net::microkit::Client::start: ", "called twice");
    const auto regions = driver::client_regions();
    if (!regions.mapped())
        sel4_runtime::fatal("sel4::net::microkit: ", "the system maps no net driver queues here (@NET_CLIENT_MAPS@)");
    auto queues = regions.attach();
    if (!queues)
        sel4_runtime::fatal("sel4::net::microkit: the net driver's queues: ", queue::describe(queues.error()));
    auto mac = driver::get_mac(net_channel);
    if (!mac)
        sel4_runtime::fatal("sel4::net::microkit: the net driver's MAC address: ", mac.error().describe());
    mac_ = lwip::MacAddress::from_u64(mac->mac);
    lwip::set_random(lwip_random, this);
    stack_.emplace(queues->rx, queues->tx, regions.rx_data, regions.tx_data, mac_, timers_,
                   lwip::NotifyDriver{notify_driver, nullptr});
    return *stack_; // its netif put every buffer in the free queues and notified the driver
}

std::uint32_t Client::random() noexcept {
    if (entropy_left_ < sizeof(std::uint32_t)) {
        auto given = rng_.read(entropy_);
        entropy_left_ = given ? *given : 0;
    }
    std::uint32_t value;
    if (entropy_left_ >= sizeof value) {
        entropy_left_ -= sizeof value;
        std::memcpy(&value, entropy_.data() + entropy_left_, sizeof value);
        mix_ = (mix_ << 32 | mix_ >> 32) ^ value;
        return value;
    }
    // The driver's pool is empty until its device refills it: the sequence, keyed by every
    // value the driver gave and by the time.
    ++fallbacks_;
    mix_ ^= clock_.now().nanoseconds();
    return static_cast<std::uint32_t>(splitmix64(mix_) >> 32);
}

void Client::notified(sel4::microkit::ChannelSet channels, async::Executor &executor) noexcept {
    if (channels.contains(timer_channel))
        timers_.poll();
    if (stack_)
        stack_->poll();
    executor.wake(channels.bits());
    executor.run_until_stalled();
}

} // namespace sel4::net::microkit
