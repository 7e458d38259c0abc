// The library's private side of lwIP: its headers, address conversions, error mapping, and
// the callbacks lwIP calls with the slots as arguments.
#pragma once

#include <sel4/net.hpp>

#include <lwip/dhcp.h>
#include <lwip/dns.h>
#include <lwip/init.h>
#include <lwip/ip_addr.h>
#include <lwip/netif.h>
#include <lwip/pbuf.h>
#include <lwip/tcp.h>
#include <lwip/timeouts.h>
#include <lwip/udp.h>

namespace sel4::net::detail {

/// `address` as lwIP's IPv4 address.
inline ip4_addr_t to_ip4(Address address) noexcept {
    ip4_addr_t ip;
    IP4_ADDR(&ip, address.octets[0], address.octets[1], address.octets[2], address.octets[3]);
    return ip;
}
/// `address` as lwIP's address (of either family where lwIP has IPv6).
inline ip_addr_t to_lwip(Address address) noexcept {
    ip_addr_t ip;
    IP_ADDR4(&ip, address.octets[0], address.octets[1], address.octets[2], address.octets[3]);
    return ip;
}
/// lwIP's IPv4 address as an Address (0.0.0.0 for null).
inline Address from_ip4(const ip4_addr_t *ip) noexcept {
    if (ip == nullptr)
        return {};
    return Address::from_u32(lwip_ntohl(ip4_addr_get_u32(ip)));
}
/// lwIP's address as an Address (0.0.0.0 for null or not IPv4).
inline Address from_lwip(const ip_addr_t *ip) noexcept {
    if (ip == nullptr || !IP_IS_V4(ip))
        return {};
    return from_ip4(ip_2_ip4(ip));
}

/// An lwIP error (other than ERR_OK) as an Error.
inline Error error_of(err_t err) noexcept {
    switch (err) {
    case ERR_MEM:
    case ERR_BUF:
        return Error::out_of_memory;
    case ERR_RTE:
        return Error::no_route;
    case ERR_USE:
    case ERR_ISCONN:
        return Error::address_in_use;
    case ERR_ARG:
    case ERR_VAL:
        return Error::invalid_argument;
    case ERR_RST:
        return Error::reset;
    case ERR_ABRT:
    case ERR_TIMEOUT:
        return Error::aborted;
    case ERR_CLSD:
    case ERR_CONN:
        return Error::closed;
    default:
        return Error::stack_error;
    }
}

/// Frees the pbufs of a connection's received data.
inline void free_received(Connection &connection) noexcept {
    pbuf *p = connection.rx_head;
    while (p != nullptr) {
        pbuf *next = p->next;
        p->next = nullptr; // one pbuf at a time, as pbuf_free_header() does
        pbuf_free(p);
        p = next;
    }
    connection.rx_head = connection.rx_tail = nullptr;
    connection.rx_offset = connection.rx_bytes = 0;
}

/// lwIP's callbacks (friends of the classes whose slots they touch).
struct Callbacks {
    static err_t on_tcp_recv(void *argument, tcp_pcb *pcb, pbuf *p, err_t err);
    static err_t on_tcp_sent(void *argument, tcp_pcb *pcb, u16_t length);
    static err_t on_tcp_poll(void *argument, tcp_pcb *pcb);
    static void on_tcp_err(void *argument, err_t err);
    static err_t on_tcp_connected(void *argument, tcp_pcb *pcb, err_t err);
    static err_t on_tcp_accept(void *argument, tcp_pcb *pcb, err_t err);
    static void on_udp_recv(void *argument, udp_pcb *pcb, pbuf *p, const ip_addr_t *address, u16_t port);
    static void on_dns_found(const char *name, const ip_addr_t *address, void *argument);

    /// Makes `pcb` the connection's, with the callbacks.
    static void attach(Connection &connection, tcp_pcb *pcb) noexcept;
    /// Takes the callbacks off the connection's pcb and forgets it (lwIP keeps it).
    static tcp_pcb *detach(Connection &connection) noexcept;
    /// The stack of a slot.
    static Stack &stack_of(Connection &connection) noexcept { return *connection.stack; }
    /// After a call into lwIP that may start a timer (see Stack::after_lwip).
    static void after_lwip(Stack &stack) noexcept { stack.after_lwip(); }
    /// After moving data on a connection or socket lwIP has already: only the flush. Such
    /// calls start no timer of lwIP's (an active pcb has the TCP timer running already, ARP's
    /// is cyclic), so they skip the clock, which may be a protected call to a timer driver.
    static void after_io(Stack &stack) noexcept { stack.interface_.flush(); }
    /// Counts a refused connection.
    static void count_refused(Stack &stack) noexcept { ++stack.stats_.accepts_refused; }
    /// Counts a dropped datagram.
    static void count_dropped(Stack &stack) noexcept { ++stack.stats_.udp_dropped; }
    /// A free connection slot of `stack`, or null.
    static Connection *allocate(Stack &stack) noexcept { return stack.allocate_connection(); }
    /// Returns a connection slot (wakes its waiters).
    static void free(Connection &connection) noexcept { connection.stack->free_connection(connection); }
    /// The free listener slot of `stack`, or null.
    static Listener *free_listener(Stack &stack) noexcept {
        for (auto &slot : stack.listeners_)
            if (!slot.in_use)
                return &slot;
        return nullptr;
    }
    /// The free UDP slot of `stack`, or null.
    static UdpSlot *free_udp(Stack &stack) noexcept {
        for (auto &slot : stack.udp_)
            if (!slot.in_use)
                return &slot;
        return nullptr;
    }
};

} // namespace sel4::net::detail
