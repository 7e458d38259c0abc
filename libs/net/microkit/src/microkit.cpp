// sel4::net::microkit::Client: the network client's start from the system's setvars.
#include <sel4/net/microkit.hpp>

#include <sel4/drivers/net.hpp>
#include <sel4/microkit/memory.hpp>
#include <sel4/runtime/abort.hpp>
#include <sel4/shared_memory.hpp>

// The addresses where the system maps the net driver's queues and data regions into this PD
// (the setvar names of @NET_CLIENT_MAPS@, drivers/systems.cmake).
SEL4_MICROKIT_VARIABLE(rx_free_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_active_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_free_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_active_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_data_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_data_vaddr, sel4::Word)

namespace sel4::net::microkit {

namespace {

void notify_driver(void *) noexcept { net_channel.notify(); }

} // namespace

Stack &Client::start() noexcept {
    namespace driver = sel4::drivers::net;
    if (stack_)
        sel4_runtime::fatal("sel4::net::microkit::Client::start: ", "called twice");
    if (rx_free_vaddr.get() == 0 || rx_data_vaddr.get() == 0 || tx_data_vaddr.get() == 0)
        sel4_runtime::fatal("sel4::net::microkit: ", "the system maps no net driver queues here (@NET_CLIENT_MAPS@)");
    auto queues = driver::Queues::attach(rx_free_vaddr.get(), rx_active_vaddr.get(), tx_free_vaddr.get(),
                                         tx_active_vaddr.get());
    if (!queues)
        sel4_runtime::fatal("sel4::net::microkit: the net driver's queues: ", queue::describe(queues.error()));
    auto mac = driver::get_mac(net_channel);
    if (!mac)
        sel4_runtime::fatal("sel4::net::microkit: the net driver's MAC address: ", mac.error().describe());
    mac_ = lwip::MacAddress::from_u64(mac->mac);
    using shared_memory::Region;
    stack_.emplace(queues->rx, queues->tx, Region::at_address(rx_data_vaddr.get(), driver::data_region_bytes),
                   Region::at_address(tx_data_vaddr.get(), driver::data_region_bytes), mac_, timers_,
                   lwip::NotifyDriver{notify_driver, nullptr});
    return *stack_; // its netif put every buffer in the free queues and notified the driver
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
