/// @file
/// sel4::net: TCP and UDP sockets as sel4::async tasks over lwIP's raw API (NO_SYS=1).
///
/// A PD runs one Stack over one network interface. Everything runs on the PD's one thread:
/// lwIP's callbacks (from Stack::poll(), from lwIP's timeouts, or from inside a socket call)
/// only record what happened and make the waiting tasks ready; the tasks run when the PD's
/// executor runs. Socket objects are handles to slots in the Stack (fixed arrays, limits.hpp),
/// so they can be moved and returned by value while lwIP keeps pointers to the slots.
///
/// ```cpp
/// // the driver's queues and data regions (sel4::queue::net), its MAC, the timer client:
/// sel4::net::Stack stack(*rx, *tx, rx_data, tx_data, sel4::lwip::MacAddress::from_u64(mac), timers,
///                        {notify_driver, &driver_channel});
/// stack.start_dhcp();
/// auto lease = co_await stack.dhcp_bound();            // Result<Lease>
/// sel4::log::info("{}", lease->to_text());             // address 10.0.2.15/24, gateway ...
/// auto listener = sel4::net::TcpListener::listen(stack, 1234, 8);
/// auto stream = co_await listener->accept();           // Result<TcpStream>
/// std::byte buffer[1024];
/// auto n = co_await timers.timeout(stream->read(buffer), 5s);   // expected<Result<size_t>, TimedOut>
/// co_await stream->write_all(std::span(buffer, **n));
/// ```
///
/// In a Microkit PD (RUNTIME cxx-minimal; link sel4-net, which brings sel4-lwip and
/// sel4-async): the stack, the timers, the executor and a FramePool are globals (.bss), the
/// driver's channel notifies, and notified() drives all three, timers first:
///
/// ```cpp
/// void notified(sel4::microkit::ChannelSet channels) {
///     if (channels.contains(timer_channel))
///         timers.poll();              // lwIP's timeouts, the sockets' deadlines
///     stack.poll();                   // frames in, lwIP's timeouts that are due, frames out
///     executor.wake(channels.bits());
///     executor.run_until_stalled();   // the socket tasks, woken by lwIP's callbacks
/// }
/// ```
///
/// lwIP's timeouts (TCP retransmissions, ARP, DHCP, DNS) run on the Stack's sel4::async::Timers
/// through one timer entry set to lwIP's next timeout (sys_timeouts_sleeptime()). lwIP only adds
/// timeouts while it runs, and it runs only from this library's calls, so the entry is re-set
/// after each call that can start a timer: it is always at lwIP's earliest timeout, with no
/// periodic tick of its own and no busy loop (lwIP's own cyclic timers remain: while an
/// interface is up the earliest is DHCP's 500 ms, or ARP's 1 s, and TCP's 250 ms while any
/// connection exists; that is lwIP's design). Reads and writes on a connection start no timer,
/// so they only flush: the clock (perhaps a protected call to a timer driver) stays out of the
/// data path.
///
/// Memory: a stream's slot is 104 bytes (64-bit); received data stays in lwIP's pbufs (the
/// netif's PBUF_POOL copies) up to the receive window, TCP_WND; data written waits in lwIP's
/// heap up to TCP_SND_BUF. Every wait is an awaiter on the waiting task's coroutine frame.
///
/// Cancellation: every operation that waits is a Task, so it composes with when_any and
/// Timers::timeout; a cancelled operation leaves nothing behind (its wait unlinks itself, data
/// not yet taken stays buffered for the next read). Destroying a socket while tasks wait on it
/// wakes them with Error::closed. lwIP can free a connection's pcb on its own (a reset, a
/// retransmission timeout): its err callback marks the stream, which then reports the error.
#pragma once

#include <sel4/async/event.hpp>
#include <sel4/async/task.hpp>
#include <sel4/async/timers.hpp>
#include <sel4/lwip/netif.hpp>
#include <sel4/net/address.hpp>
#include <sel4/net/error.hpp>
#include <sel4/net/limits.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

// lwIP's types, declared here so that its headers stay out of the users' code.
struct netif;
struct pbuf;
struct tcp_pcb;
struct udp_pcb;

namespace sel4::net {

class Stack;
class TcpStream;
class TcpListener;
class UdpSocket;

/// The network interface a Stack runs on: an lwIP netif the interface has added
/// (netif_add), and how to move frames. The Stack's own sel4::lwip::Netif over sDDF queues is
/// one (the Stack constructor that takes the queues); the host tests use a loopback of their
/// own.
class Interface {
public:
    /// The lwIP netif. The Stack makes it the default and brings it (and its link) up.
    virtual ::netif &lwip_netif() noexcept = 0;
    /// Hands the frames that arrived to lwIP (netif->input); whether there were any.
    virtual bool receive() noexcept = 0;
    /// Makes sure what lwIP sent reaches the device (notifies the driver when it asked);
    /// called after every call into lwIP that may have sent something.
    virtual void flush() noexcept = 0;

protected:
    /// For the implementations.
    Interface() noexcept = default;
    /// Not deleted through an Interface pointer.
    ~Interface() = default;
};

/// What the Stack has seen, for logs and tests.
struct Stats {
    std::size_t streams_open = 0;        ///< TCP stream slots in use now.
    std::size_t streams_high_water = 0;  ///< The most at once so far.
    std::size_t accepts_refused = 0;     ///< Connections reset because a backlog or the stream slots were full.
    std::size_t udp_dropped = 0;         ///< Datagrams dropped because a socket's queue was full.
    std::size_t lwip_timeout_runs = 0;   ///< Times lwIP's timeouts ran (sys_check_timeouts).
};

namespace detail {

/// A TCP connection's slot: what lwIP's callbacks record and the tasks wait on.
struct Connection {
    Stack *stack = nullptr;
    ::tcp_pcb *pcb = nullptr;      ///< Null once lwIP freed it or the stream let it go.
    ::pbuf *rx_head = nullptr;     ///< Received data not yet read: pbufs linked through ->next.
    ::pbuf *rx_tail = nullptr;     ///< The last pbuf of that list.
    std::size_t rx_offset = 0;     ///< Bytes of rx_head already read.
    std::size_t rx_bytes = 0;      ///< Bytes buffered in all.
    std::uint32_t generation = 0;  ///< Bumped whenever the slot is freed.
    std::optional<Error> error;    ///< Set by lwIP's err callback (or a failed connect).
    bool in_use = false;
    bool connected = false;        ///< The handshake completed.
    bool eof = false;              ///< The peer's FIN came (after the buffered data).
    bool tx_shut = false;          ///< shutdown_write() was called.
    bool write_blocked = false;    ///< tcp_write ran out of memory: wait for an ack or lwIP's poll.
    Endpoint local;
    Endpoint peer;
    async::WaitQueue readers;      ///< read() and connect() wait here.
    async::WaitQueue writers;      ///< write() waits here.
};

/// A TCP listener's slot.
struct Listener {
    Stack *stack = nullptr;
    ::tcp_pcb *pcb = nullptr;
    std::array<Connection *, max_backlog> backlog{}; ///< Accepted by lwIP, not yet by accept().
    std::size_t head = 0;
    std::size_t count = 0;
    std::size_t capacity = 0;
    std::uint32_t generation = 0;
    bool in_use = false;
    std::uint16_t port = 0;
    async::WaitQueue acceptors;
};

/// A UDP socket's slot.
struct UdpSlot {
    struct Entry {
        ::pbuf *packet = nullptr;
        Endpoint from;
    };
    Stack *stack = nullptr;
    ::udp_pcb *pcb = nullptr;
    std::array<Entry, udp_queue_depth> queue{};
    std::size_t head = 0;
    std::size_t count = 0;
    std::uint32_t generation = 0;
    bool in_use = false;
    std::uint16_t port = 0;
    async::WaitQueue receivers;
};

/// A DNS query in flight: lwIP's callback argument, so it outlives a cancelled resolve().
struct DnsQuery {
    Stack *stack = nullptr;
    std::optional<Result<Address>> result;
    bool in_use = false;
    bool abandoned = false; ///< Its resolve() was cancelled: the callback frees the slot.
    async::WaitQueue waiter;
};

/// The callbacks lwIP calls (they see the slots).
struct Callbacks;

} // namespace detail

/// The network stack of a PD (see the file's comment). One per PD: lwIP's state is global.
/// Not copyable or movable (lwIP and the sockets point at it); destroy the sockets first.
class Stack {
public:
    /// A stack over an sDDF network driver: its own sel4::lwip::Netif on the driver's rx and
    /// tx queue pairs and data regions (see sel4/lwip/netif.hpp), with the Ethernet address
    /// `mac`, notifying the driver through `notify_driver`, lwIP's timeouts on `timers` (and
    /// lwIP's clock, sys_now(), on the timers' clock). Initialises lwIP, starts the netif,
    /// makes it the default and brings it up; no address yet: start_dhcp() or set_static().
    /// A netif that cannot start (queues larger than it tracks, data regions too small for
    /// them: the system description and the PD disagree) stops the PD with the reason.
    Stack(queue::net::QueuePair rx, queue::net::QueuePair tx, shared_memory::Region rx_data,
          shared_memory::Region tx_data, lwip::MacAddress mac, async::Timers &timers,
          lwip::NotifyDriver notify_driver) noexcept;
    /// A stack over `interface`, whose netif lwIP already has (sel4::lwip::init(), then
    /// netif_add), with lwIP's timeouts on `timers` (and sys_now() on their clock). Makes the
    /// netif the default one and brings it up; no address yet.
    Stack(Interface &interface, async::Timers &timers) noexcept;
    Stack(const Stack &) = delete;
    Stack &operator=(const Stack &) = delete;
    /// Resets the connections still open and closes the listeners and sockets still open (their
    /// handles are then dangling: destroy them and their tasks first), stops DHCP, takes the
    /// netif down (the Stack's own netif leaves lwIP), drops lwIP's timer entry. A DNS query
    /// still in flight keeps its slot as lwIP's callback argument: no resolve() may be pending.
    ~Stack();

    /// Starts DHCP on the interface; Error::out_of_memory when lwIP cannot.
    Result<void> start_dhcp() noexcept;
    /// Sets a static configuration (and stops DHCP); `dns` becomes the first DNS server.
    void set_static(Address address, Address netmask, Address gateway, Address dns = {}) noexcept;
    /// `co_await stack.dhcp_bound()`: waits until the interface has an address (a DHCP lease,
    /// or set_static()) and gives it.
    async::Task<Result<Lease>> dhcp_bound() noexcept;
    /// The configuration now, if the interface has an address.
    std::optional<Lease> lease() const noexcept;

    /// `co_await stack.resolve("example.org")`: the name's IPv4 address by DNS (lwIP's
    /// resolver and cache; dotted decimal text resolves at once). The name is copied when the
    /// task starts. Error::name_not_found when it does not resolve.
    async::Task<Result<Address>> resolve(std::string_view name) noexcept;

    /// What a PD calls from notified() (and a host test in its loop): frames that arrived
    /// into lwIP, lwIP's timeouts that are due, what was sent flushed to the device, lwIP's
    /// timer entry re-set. Returns whether any frame came in.
    bool poll() noexcept;

    /// The interface.
    Interface &interface() const noexcept { return interface_; }
    /// The stack's own netif over the driver's queues (its counters), or null for a stack
    /// over another Interface.
    const lwip::Netif *netif() const noexcept { return device_ ? &device_->netif : nullptr; }
    /// The timers lwIP's timeouts run on.
    async::Timers &timers() const noexcept { return timers_; }
    /// What the stack has seen.
    const Stats &stats() const noexcept { return stats_; }

private:
    friend class TcpStream;
    friend class TcpListener;
    friend class UdpSocket;
    friend struct detail::Callbacks;

    /// The Stack's own interface: sel4::lwip's netif over sDDF queues. Its output notifies the
    /// driver by itself, so flush() has nothing to do.
    struct Device final : Interface {
        explicit Device(const lwip::Netif::Config &config) noexcept : netif(config) {}
        ::netif &lwip_netif() noexcept override { return *netif.get(); }
        bool receive() noexcept override { return netif.poll() > 0; }
        void flush() noexcept override {}
        lwip::Netif netif;
    };

    /// lwIP's timeouts as one entry of the Timers.
    class LwipTimer : public async::detail::TimerEntry {
    public:
        explicit LwipTimer(Stack &stack) noexcept : TimerEntry(&fire), stack_(stack) {}

    private:
        static void fire(TimerEntry &entry) noexcept;
        Stack &stack_;
    };

    void start() noexcept;
    /// After every call into lwIP: flush the interface, wake the address waiters when the
    /// address changed, re-set the timer entry to lwIP's next timeout.
    void after_lwip() noexcept;
    void rearm() noexcept;
    void check_address() noexcept;

    detail::Connection *allocate_connection() noexcept;
    void free_connection(detail::Connection &connection) noexcept;

    std::optional<Device> device_; // before interface_, which may refer to it
    Interface &interface_;
    async::Timers &timers_;
    LwipTimer timer_;
    async::WaitQueue address_waiters_;
    std::uint32_t address_seen_ = 0;
    bool dhcp_started_ = false;
    Stats stats_;
    std::array<detail::Connection, max_streams> connections_;
    std::array<detail::Listener, max_listeners> listeners_;
    std::array<detail::UdpSlot, max_udp_sockets> udp_;
    std::array<detail::DnsQuery, max_dns_queries> queries_;
};

/// A TCP connection (see the file's comment). Move-only; destroying it closes it (close()).
class TcpStream {
public:
    /// No connection.
    TcpStream() noexcept = default;
    /// Takes `other`'s connection.
    TcpStream(TcpStream &&other) noexcept : connection_(std::exchange(other.connection_, nullptr)) {}
    /// Closes its own connection, takes `other`'s.
    TcpStream &operator=(TcpStream &&other) noexcept {
        if (this != &other) {
            close();
            connection_ = std::exchange(other.connection_, nullptr);
        }
        return *this;
    }
    /// close().
    ~TcpStream() { close(); }

    /// `co_await TcpStream::connect(stack, {address, port})`: a connection to `peer`.
    /// Error::refused when the peer resets the SYN, Error::aborted when lwIP gives up.
    static async::Task<Result<TcpStream>> connect(Stack &stack, Endpoint peer) noexcept;

    /// `co_await stream.read(buffer)`: waits until data is there and copies up to
    /// buffer.size() bytes. 0 when the peer closed its side (and every byte was read);
    /// Error::reset / aborted / closed otherwise. The bytes read are acknowledged to lwIP
    /// (tcp_recved), which opens the receive window again: a reader that does not read
    /// stops the peer (the data stays buffered in lwIP's pbufs, up to the window).
    async::Task<Result<std::size_t>> read(std::span<std::byte> buffer) noexcept;
    /// `co_await stream.write(data)`: waits until lwIP's send buffer has room (back-pressure:
    /// tcp_sndbuf, woken by the peer's acknowledgements), copies as much of `data` as fits
    /// into it, sends, and gives how much it took (at least one byte).
    async::Task<Result<std::size_t>> write(std::span<const std::byte> data) noexcept;
    /// `co_await stream.write_all(data)`: write() until every byte is taken.
    async::Task<Result<void>> write_all(std::span<const std::byte> data) noexcept;

    /// Sends a FIN after the data written (the peer reads 0); reading goes on.
    Result<void> shutdown_write() noexcept;
    /// Closes the connection gracefully (unread data dropped, unsent data still sent, then a
    /// FIN; lwIP finishes the close on its own) and falls back to abort() when lwIP has no
    /// memory for it. The stream is then empty; waiting tasks get Error::closed.
    void close() noexcept;
    /// Resets the connection (RST). The stream is then empty; waiting tasks get Error::closed.
    void abort() noexcept;

    /// Sends small writes at once (no Nagle: TCP_NODELAY) when `nodelay`; lwIP's default is
    /// Nagle's algorithm (a small segment waits while an earlier one is unacknowledged).
    void set_nodelay(bool nodelay) noexcept;

    /// Whether the stream holds a connection (it may have failed: read() tells).
    bool is_open() const noexcept { return connection_ != nullptr; }
    /// The error lwIP reported, if any (reset, aborted).
    std::optional<Error> error() const noexcept;
    /// Bytes received and not yet read.
    std::size_t buffered() const noexcept { return connection_ == nullptr ? 0 : connection_->rx_bytes; }
    /// The peer's address and port.
    Endpoint peer() const noexcept { return connection_ == nullptr ? Endpoint{} : connection_->peer; }
    /// The local address and port.
    Endpoint local() const noexcept { return connection_ == nullptr ? Endpoint{} : connection_->local; }

private:
    friend class TcpListener;
    friend struct detail::Callbacks;
    explicit TcpStream(detail::Connection *connection) noexcept : connection_(connection) {}
    void release(bool reset) noexcept;
    detail::Connection *connection_ = nullptr;
};

/// A listening TCP port. Move-only; destroying it stops listening and resets the connections
/// still in its backlog.
class TcpListener {
public:
    /// No listener.
    TcpListener() noexcept = default;
    /// Takes `other`'s listener.
    TcpListener(TcpListener &&other) noexcept : listener_(std::exchange(other.listener_, nullptr)) {}
    /// Closes its own, takes `other`'s.
    TcpListener &operator=(TcpListener &&other) noexcept {
        if (this != &other) {
            close();
            listener_ = std::exchange(other.listener_, nullptr);
        }
        return *this;
    }
    /// close().
    ~TcpListener() { close(); }

    /// Listens on `port` of every local address, keeping up to `backlog` (1..max_backlog)
    /// connections for accept(). Error::invalid_argument, address_in_use, too_many_listeners,
    /// out_of_memory.
    static Result<TcpListener> listen(Stack &stack, std::uint16_t port, std::size_t backlog = max_backlog) noexcept;

    /// `co_await listener.accept()`: the next connection (waits for one). Connections reset
    /// before they were accepted are skipped. Error::closed when the listener is closed.
    async::Task<Result<TcpStream>> accept() noexcept;

    /// Stops listening; waiting accept()s get Error::closed.
    void close() noexcept;
    /// Whether it listens.
    bool is_open() const noexcept { return listener_ != nullptr; }
    /// The port.
    std::uint16_t port() const noexcept { return listener_ == nullptr ? 0 : listener_->port; }
    /// Connections waiting for accept().
    std::size_t pending() const noexcept { return listener_ == nullptr ? 0 : listener_->count; }

private:
    explicit TcpListener(detail::Listener *listener) noexcept : listener_(listener) {}
    detail::Listener *listener_ = nullptr;
};

/// A datagram received: how many bytes were copied, from where, and whether it was longer
/// than the buffer (the rest is dropped).
struct Datagram {
    std::size_t size = 0;   ///< Bytes copied into the buffer.
    Endpoint from;          ///< The sender.
    bool truncated = false; ///< The datagram was longer than the buffer.
};

/// A bound UDP socket. Move-only; destroying it closes it.
class UdpSocket {
public:
    /// No socket.
    UdpSocket() noexcept = default;
    /// Takes `other`'s socket.
    UdpSocket(UdpSocket &&other) noexcept : slot_(std::exchange(other.slot_, nullptr)) {}
    /// Closes its own, takes `other`'s.
    UdpSocket &operator=(UdpSocket &&other) noexcept {
        if (this != &other) {
            close();
            slot_ = std::exchange(other.slot_, nullptr);
        }
        return *this;
    }
    /// close().
    ~UdpSocket() { close(); }

    /// A socket bound to `port` of every local address (0: a free port lwIP picks).
    /// Error::address_in_use, too_many_sockets, out_of_memory.
    static Result<UdpSocket> bind(Stack &stack, std::uint16_t port) noexcept;

    /// `co_await socket.receive(buffer)`: the next datagram (waits for one), copied into
    /// `buffer`. Up to udp_queue_depth datagrams wait in the socket; more are dropped.
    async::Task<Result<Datagram>> receive(std::span<std::byte> buffer) noexcept;
    /// Sends `data` as one datagram to `to` (no wait: lwIP copies it out).
    /// Error::message_too_large, no_route, out_of_memory, closed.
    Result<void> send_to(std::span<const std::byte> data, Endpoint to) noexcept;

    /// Closes the socket; queued datagrams are dropped, waiting receive()s get Error::closed.
    void close() noexcept;
    /// Whether it is open.
    bool is_open() const noexcept { return slot_ != nullptr; }
    /// The local port.
    std::uint16_t port() const noexcept { return slot_ == nullptr ? 0 : slot_->port; }

private:
    explicit UdpSocket(detail::UdpSlot *slot) noexcept : slot_(slot) {}
    detail::UdpSlot *slot_ = nullptr;
};

} // namespace sel4::net
