// sel4::net's Stack: the interface brought up, DHCP or a static address, lwIP's timeouts on
// sel4::async::Timers, DNS, and the slot pools the sockets use.
#include "lwip_glue.hpp"

#include <sel4/async/detail/fatal.hpp>
#include <sel4/lwip/port.hpp>
#include <sel4/net.hpp>

#include <chrono>
#include <cstring>

namespace sel4::net {

namespace {
// lwIP's state is global: one Stack at a time.
constinit Stack *the_stack = nullptr;

// lwIP's sys_now() from `clock`.
void install_clock(async::Clock &clock) noexcept {
    lwip::set_clock([](void *context) noexcept { return static_cast<async::Clock *>(context)->now().nanoseconds(); },
                    &clock);
}
} // namespace

Stack::Stack(queue::net::QueuePair rx, queue::net::QueuePair tx, shared_memory::Region rx_data,
             shared_memory::Region tx_data, lwip::MacAddress mac, async::Timers &timers,
             lwip::NotifyDriver notify_driver) noexcept
    : device_(std::in_place, lwip::Netif::Config{rx, tx, rx_data, tx_data, mac, notify_driver}),
      interface_(*device_), timers_(timers), timer_(*this) {
    install_clock(timers_.clock()); // before lwip_init() sets its cyclic timers from sys_now()
    if (auto started = device_->netif.start(); !started)
        async::detail::fatal(lwip::describe(started.error()).data()); // the literals end in NUL
    start();
}

Stack::Stack(Interface &interface, async::Timers &timers) noexcept
    : interface_(interface), timers_(timers), timer_(*this) {
    install_clock(timers_.clock());
    start();
}

void Stack::start() noexcept {
    if (the_stack != nullptr)
        async::detail::fatal("sel4::net: a second Stack (lwIP's state is global: one per PD)");
    the_stack = this;
    for (auto &slot : connections_)
        slot.stack = this;
    for (auto &slot : listeners_)
        slot.stack = this;
    for (auto &slot : udp_)
        slot.stack = this;
    for (auto &slot : queries_)
        slot.stack = this;
    ::netif &netif = interface_.lwip_netif();
    netif_set_default(&netif);
    netif_set_link_up(&netif);
    netif_set_up(&netif);
    after_lwip();
}

Stack::~Stack() {
    // Sockets still open: their pcbs lose our callbacks first (lwIP would call into slots that
    // are about to go), then go. Tasks must not wait on them any more (see the class).
    for (auto &slot : connections_) {
        if (!slot.in_use)
            continue;
        if (tcp_pcb *pcb = detail::Callbacks::detach(slot))
            tcp_abort(pcb);
        detail::free_received(slot);
    }
    for (auto &slot : listeners_)
        if (slot.in_use && slot.pcb != nullptr) {
            tcp_arg(slot.pcb, nullptr);
            tcp_accept(slot.pcb, nullptr);
            tcp_close(slot.pcb);
            slot.pcb = nullptr;
        }
    for (auto &slot : udp_)
        if (slot.in_use && slot.pcb != nullptr) {
            udp_remove(slot.pcb);
            slot.pcb = nullptr;
            for (; slot.count > 0; --slot.count, slot.head = (slot.head + 1) % udp_queue_depth)
                pbuf_free(slot.queue[slot.head].packet);
        }
    ::netif &netif = interface_.lwip_netif();
#if LWIP_DHCP
    if (dhcp_started_)
        dhcp_stop(&netif);
#endif
    netif_set_down(&netif);
    if (timer_.queued())
        timers_.remove(timer_);
    interface_.flush();
    the_stack = nullptr;
}

Result<void> Stack::start_dhcp() noexcept {
#if LWIP_DHCP
    const err_t err = dhcp_start(&interface_.lwip_netif());
    after_lwip();
    if (err != ERR_OK)
        return std::unexpected(detail::error_of(err));
    dhcp_started_ = true;
    return {};
#else
    return std::unexpected(Error::stack_error);
#endif
}

void Stack::set_static(Address address, Address netmask, Address gateway, Address dns) noexcept {
    ::netif &netif = interface_.lwip_netif();
#if LWIP_DHCP
    if (dhcp_started_) {
        dhcp_stop(&netif);
        dhcp_started_ = false;
    }
#endif
    const ip4_addr_t ip = detail::to_ip4(address);
    const ip4_addr_t mask = detail::to_ip4(netmask);
    const ip4_addr_t gw = detail::to_ip4(gateway);
    netif_set_addr(&netif, &ip, &mask, &gw);
#if LWIP_DNS
    if (!dns.is_any()) {
        const ip_addr_t server = detail::to_lwip(dns);
        dns_setserver(0, &server);
    }
#else
    (void)dns;
#endif
    after_lwip();
}

std::optional<Lease> Stack::lease() const noexcept {
    const ::netif &netif = interface_.lwip_netif();
    const Address address = detail::from_ip4(netif_ip4_addr(&netif));
    if (address.is_any())
        return std::nullopt;
    Lease lease{address, detail::from_ip4(netif_ip4_netmask(&netif)), detail::from_ip4(netif_ip4_gw(&netif)), {}};
#if LWIP_DNS
    lease.dns = detail::from_lwip(dns_getserver(0));
#endif
    return lease;
}

async::Task<Result<Lease>> Stack::dhcp_bound() noexcept {
    co_await address_waiters_.wait_until([this] { return lease().has_value(); });
    co_return *lease();
}

bool Stack::poll() noexcept {
    const bool received = interface_.receive();
#if LWIP_NETIF_LOOPBACK && !LWIP_NETIF_LOOPBACK_MULTITHREADING
    netif_poll_all();
#endif
    sys_check_timeouts(); // only what is due
    after_lwip();
    return received;
}

void Stack::LwipTimer::fire(TimerEntry &entry) noexcept {
    Stack &stack = static_cast<LwipTimer &>(entry).stack_;
    ++stack.stats_.lwip_timeout_runs;
    sys_check_timeouts();
    stack.after_lwip();
}

void Stack::after_lwip() noexcept {
    interface_.flush();
    check_address();
    rearm();
}

// The entry goes at lwIP's next timeout (sys_now() is in ms: a deadline of now + the ms left
// in nanoseconds is never before lwIP's own sys_now() reaches it). An entry already queued
// earlier stays (it fires, finds nothing due, and re-arms).
void Stack::rearm() noexcept {
    const u32_t left = sys_timeouts_sleeptime();
    if (left == SYS_TIMEOUTS_SLEEPTIME_INFINITE) {
        if (timer_.queued())
            timers_.remove(timer_);
        return;
    }
    const async::Instant at = timers_.now() + std::chrono::milliseconds(left);
    if (timer_.queued()) {
        if (timer_.deadline() <= at)
            return;
        timers_.remove(timer_);
    }
    timers_.add(timer_, at);
}

void Stack::check_address() noexcept {
    const std::uint32_t now = ip4_addr_get_u32(netif_ip4_addr(&interface_.lwip_netif()));
    if (now == address_seen_)
        return;
    address_seen_ = now;
    address_waiters_.notify_all();
}

detail::Connection *Stack::allocate_connection() noexcept {
    for (auto &slot : connections_) {
        if (slot.in_use)
            continue;
        slot.in_use = true;
        slot.pcb = nullptr;
        slot.rx_head = slot.rx_tail = nullptr;
        slot.rx_offset = slot.rx_bytes = 0;
        slot.error.reset();
        slot.connected = slot.eof = slot.tx_shut = slot.write_blocked = false;
        slot.local = slot.peer = {};
        if (++stats_.streams_open > stats_.streams_high_water)
            stats_.streams_high_water = stats_.streams_open;
        return &slot;
    }
    return nullptr;
}

void Stack::free_connection(detail::Connection &slot) noexcept {
    detail::free_received(slot);
    slot.in_use = false;
    ++slot.generation;
    --stats_.streams_open;
    // Tasks still waiting on the slot see the new generation and give Error::closed.
    slot.readers.notify_all();
    slot.writers.notify_all();
}

// ---------------------------------------------------------------------------------------------
// DNS

#if LWIP_DNS
void detail::Callbacks::on_dns_found(const char *, const ip_addr_t *address, void *argument) {
    auto &query = *static_cast<DnsQuery *>(argument);
    if (query.abandoned) { // its resolve() was cancelled
        query.in_use = false;
        return;
    }
    if (address != nullptr)
        query.result = Result<Address>(from_lwip(address));
    else
        query.result = Result<Address>(std::unexpected(Error::name_not_found));
    query.waiter.notify_all();
}
#endif

async::Task<Result<Address>> Stack::resolve(std::string_view name) noexcept {
    if (name.empty() || name.size() > max_name_length)
        co_return std::unexpected(Error::invalid_argument);
    if (auto address = Address::parse(name))
        co_return *address;
#if LWIP_DNS
    detail::DnsQuery *query = nullptr;
    for (auto &slot : queries_)
        if (!slot.in_use) {
            query = &slot;
            break;
        }
    if (query == nullptr)
        co_return std::unexpected(Error::too_many_queries);
    char copy[max_name_length + 1];
    std::memcpy(copy, name.data(), name.size());
    copy[name.size()] = '\0';
    query->in_use = true;
    query->abandoned = false;
    query->result.reset();
    ip_addr_t found;
    const err_t err = dns_gethostbyname(copy, &found, &detail::Callbacks::on_dns_found, query);
    after_lwip();
    if (err == ERR_OK) {
        query->in_use = false;
        co_return detail::from_lwip(&found);
    }
    if (err != ERR_INPROGRESS) {
        query->in_use = false;
        co_return std::unexpected(err == ERR_MEM ? Error(Error::out_of_memory) : Error(Error::name_not_found));
    }
    // If this task is cancelled while lwIP still has the query, the slot stays lwIP's
    // callback argument until lwIP calls back (an answer or its own timeout), then frees.
    struct Release {
        detail::DnsQuery &query;
        ~Release() {
            if (query.result.has_value())
                query.in_use = false;
            else
                query.abandoned = true;
        }
    } release{*query};
    co_await query->waiter.wait_until([query] { return query->result.has_value(); });
    co_return *query->result;
#else
    co_return std::unexpected(Error::name_not_found);
#endif
}

} // namespace sel4::net
