// sel4::net's TCP: streams (connect, read, write, shutdown, close, abort) and listeners, over
// lwIP's raw API. lwIP calls back into the slots (Connection, Listener); the callbacks only
// record and wake, the tasks do the rest.
#include "lwip_glue.hpp"

#include <sel4/net.hpp>

#include <algorithm>
#include <cstring>

namespace sel4::net {

using detail::Callbacks;
using detail::Connection;
using detail::Listener;

namespace {

// The largest count tcp_recved and tcp_write take at once (u16_t).
constexpr std::size_t max_u16 = 0xffff;

// lwIP's poll callback interval, in its coarse timer's ticks (500 ms): how soon a writer that
// ran out of lwIP memory with nothing in flight tries again.
constexpr u8_t poll_interval = 2;

// Acknowledges `bytes` consumed to lwIP, which opens the receive window by as much.
void acknowledge(tcp_pcb *pcb, std::size_t bytes) noexcept {
    while (bytes > 0) {
        const std::size_t step = std::min(bytes, max_u16);
        tcp_recved(pcb, static_cast<u16_t>(step));
        bytes -= step;
    }
}

// Copies buffered data into `buffer`, frees what was read, acknowledges it.
std::size_t take_received(Connection &connection, std::span<std::byte> buffer) noexcept {
    std::size_t copied = 0;
    while (copied < buffer.size() && connection.rx_head != nullptr) {
        pbuf *p = connection.rx_head;
        const std::size_t available = p->len - connection.rx_offset;
        const std::size_t step = std::min(available, buffer.size() - copied);
        if (step > 0)
            std::memcpy(buffer.data() + copied, static_cast<const std::byte *>(p->payload) + connection.rx_offset,
                        step);
        copied += step;
        connection.rx_offset += step;
        if (connection.rx_offset == p->len) {
            connection.rx_head = p->next;
            if (connection.rx_head == nullptr)
                connection.rx_tail = nullptr;
            p->next = nullptr;
            pbuf_free(p);
            connection.rx_offset = 0;
        }
    }
    connection.rx_bytes -= copied;
    if (connection.pcb != nullptr && copied > 0) {
        acknowledge(connection.pcb, copied);
        Callbacks::after_io(*connection.stack); // a window update may have gone out
    }
    return copied;
}

// Whether lwIP takes more data for the connection now.
bool can_send(const Connection &connection) noexcept {
    return !connection.write_blocked && tcp_sndbuf(connection.pcb) > 0 &&
           tcp_sndqueuelen(connection.pcb) < TCP_SND_QUEUELEN;
}

// What a wait for writing ended on.
// Why a writer of the connection as it was at `generation` cannot write, if it cannot: its
// slot was reused or it was closed (Error::closed), or lwIP reported an error.
std::optional<Error> write_failure(const Connection &connection, std::uint32_t generation) noexcept {
    if (connection.generation != generation)
        return Error::closed;
    if (connection.error)
        return *connection.error;
    if (connection.pcb == nullptr || connection.tx_shut)
        return Error::closed;
    return std::nullopt;
}

// One attempt to hand `data` to lwIP: how much it took (0 when it had no memory: the
// connection is marked write_blocked until an ack or lwIP's poll), or an error.
Result<std::size_t> send_some(Connection &connection, std::span<const std::byte> data) noexcept {
    tcp_pcb *pcb = connection.pcb;
    std::size_t size = std::min({data.size(), static_cast<std::size_t>(tcp_sndbuf(pcb)), max_u16});
    err_t err = ERR_MEM;
    // lwIP refuses a write that needs more segments or pbufs than it has: try smaller ones
    // (down to about one segment) before waiting.
    while (size > 0) {
        err = tcp_write(pcb, data.data(), static_cast<u16_t>(size), TCP_WRITE_FLAG_COPY);
        if (err != ERR_MEM || size <= TCP_MSS)
            break;
        size /= 2;
    }
    if (err == ERR_OK) {
        tcp_output(pcb);
        Callbacks::after_io(*connection.stack);
        return size;
    }
    if (err == ERR_MEM) {
        connection.write_blocked = true;
        tcp_output(pcb); // what is queued goes out, so that its acks come back
        Callbacks::after_io(*connection.stack);
        return std::size_t{0};
    }
    return std::unexpected(detail::error_of(err));
}

} // namespace

// ---------------------------------------------------------------------------------------------
// lwIP's callbacks

void Callbacks::attach(Connection &connection, tcp_pcb *pcb) noexcept {
    connection.pcb = pcb;
    tcp_arg(pcb, &connection);
    tcp_recv(pcb, &Callbacks::on_tcp_recv);
    tcp_sent(pcb, &Callbacks::on_tcp_sent);
    tcp_err(pcb, &Callbacks::on_tcp_err);
    tcp_poll(pcb, &Callbacks::on_tcp_poll, poll_interval);
    connection.local = {from_lwip(&pcb->local_ip), pcb->local_port};
    connection.peer = {from_lwip(&pcb->remote_ip), pcb->remote_port};
}

tcp_pcb *Callbacks::detach(Connection &connection) noexcept {
    tcp_pcb *pcb = connection.pcb;
    connection.pcb = nullptr;
    if (pcb == nullptr)
        return nullptr;
    tcp_arg(pcb, nullptr);
    tcp_recv(pcb, nullptr); // lwIP's tcp_recv_null from now on: data dropped and acknowledged
    tcp_sent(pcb, nullptr);
    tcp_err(pcb, nullptr);
    tcp_poll(pcb, nullptr, 0);
    return pcb;
}

err_t Callbacks::on_tcp_recv(void *argument, tcp_pcb *pcb, pbuf *p, err_t err) {
    auto *connection = static_cast<Connection *>(argument);
    if (connection == nullptr) { // not ours any more (cannot happen: detach() clears recv)
        if (p != nullptr) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    if (p == nullptr) { // the peer's FIN
        connection->eof = true;
        if (connection->tx_shut)
            (void)detach(*connection); // both sides done: lwIP finishes the close on its own
        connection->readers.notify_all();
        connection->writers.notify_all();
        return ERR_OK;
    }
    if (err != ERR_OK) { // lwIP does not do this, but its interface allows it
        pbuf_free(p);
        return ERR_OK;
    }
    // Keep the pbufs: the window bounds them, tcp_recved() opens it as they are read.
    connection->rx_bytes += p->tot_len;
    pbuf *last = p;
    while (last->next != nullptr)
        last = last->next;
    if (connection->rx_tail == nullptr)
        connection->rx_head = p;
    else
        connection->rx_tail->next = p;
    connection->rx_tail = last;
    connection->readers.notify_all();
    return ERR_OK;
}

err_t Callbacks::on_tcp_sent(void *argument, tcp_pcb *, u16_t) {
    if (auto *connection = static_cast<Connection *>(argument)) {
        connection->write_blocked = false;
        connection->writers.notify_all();
    }
    return ERR_OK;
}

err_t Callbacks::on_tcp_poll(void *argument, tcp_pcb *) {
    auto *connection = static_cast<Connection *>(argument);
    if (connection != nullptr && connection->write_blocked) {
        connection->write_blocked = false;
        connection->writers.notify_all();
    }
    return ERR_OK;
}

// lwIP has freed the pcb already.
void Callbacks::on_tcp_err(void *argument, err_t err) {
    auto *connection = static_cast<Connection *>(argument);
    if (connection == nullptr)
        return;
    connection->pcb = nullptr;
    if (err == ERR_CLSD) {
        connection->eof = true; // closed in order (our FIN acknowledged after theirs)
    } else if (err == ERR_RST && !connection->connected) {
        connection->error = Error::refused;
    } else {
        connection->error = error_of(err);
    }
    connection->readers.notify_all();
    connection->writers.notify_all();
}

err_t Callbacks::on_tcp_connected(void *argument, tcp_pcb *pcb, err_t) {
    if (auto *connection = static_cast<Connection *>(argument)) {
        connection->connected = true;
        connection->local = {from_lwip(&pcb->local_ip), pcb->local_port};
        connection->readers.notify_all();
        connection->writers.notify_all();
    }
    return ERR_OK;
}

// A connection completed the handshake on a listener. Refusing it (ERR_MEM) makes lwIP reset
// and free it; it has no callbacks of ours yet.
err_t Callbacks::on_tcp_accept(void *argument, tcp_pcb *pcb, err_t err) {
    auto *listener = static_cast<Listener *>(argument);
    if (listener == nullptr || pcb == nullptr || err != ERR_OK)
        return ERR_VAL;
    if (listener->count == listener->capacity) {
        count_refused(*listener->stack);
        return ERR_MEM;
    }
    Connection *connection = allocate(*listener->stack);
    if (connection == nullptr) {
        count_refused(*listener->stack);
        return ERR_MEM;
    }
    attach(*connection, pcb);
    connection->connected = true;
    listener->backlog[(listener->head + listener->count) % max_backlog] = connection;
    ++listener->count;
    listener->acceptors.notify_all();
    return ERR_OK;
}

// ---------------------------------------------------------------------------------------------
// TcpStream

async::Task<Result<TcpStream>> TcpStream::connect(Stack &stack, Endpoint peer) noexcept {
    if (peer.port == 0 || peer.address.is_any())
        co_return std::unexpected(Error::invalid_argument);
    Connection *connection = Callbacks::allocate(stack);
    if (connection == nullptr)
        co_return std::unexpected(Error::too_many_streams);
    TcpStream stream(connection); // a cancelled connect closes it
    tcp_pcb *pcb = tcp_new();
    if (pcb == nullptr)
        co_return std::unexpected(Error::out_of_memory);
    Callbacks::attach(*connection, pcb);
    connection->peer = peer;
    const ip_addr_t address = detail::to_lwip(peer.address);
    const err_t err = tcp_connect(pcb, &address, peer.port, &Callbacks::on_tcp_connected);
    Callbacks::after_lwip(stack);
    if (err != ERR_OK) {
        stream.abort();
        co_return std::unexpected(detail::error_of(err));
    }
    co_await connection->readers.wait_until(
        [connection] { return connection->connected || connection->error || connection->pcb == nullptr; });
    if (connection->error)
        co_return std::unexpected(*connection->error);
    if (!connection->connected)
        co_return std::unexpected(Error::closed);
    co_return std::move(stream);
}

async::Task<Result<std::size_t>> TcpStream::read(std::span<std::byte> buffer) noexcept {
    Connection *connection = connection_;
    if (connection == nullptr)
        co_return std::unexpected(Error::closed);
    if (buffer.empty())
        co_return std::unexpected(Error::invalid_argument);
    const std::uint32_t generation = connection->generation;
    co_await connection->readers.wait_until([connection, generation] {
        return connection->generation != generation || connection->rx_bytes > 0 || connection->eof ||
               connection->error || connection->pcb == nullptr;
    });
    if (connection->generation != generation)
        co_return std::unexpected(Error::closed);
    if (connection->rx_bytes > 0) // data that came before a reset is still read first
        co_return take_received(*connection, buffer);
    if (connection->error)
        co_return std::unexpected(*connection->error);
    if (connection->eof)
        co_return std::size_t{0};
    co_return std::unexpected(Error::closed);
}

async::Task<Result<std::size_t>> TcpStream::write(std::span<const std::byte> data) noexcept {
    Connection *connection = connection_;
    if (connection == nullptr)
        co_return std::unexpected(Error::closed);
    if (data.empty())
        co_return std::size_t{0};
    const std::uint32_t generation = connection->generation;
    for (;;) {
        co_await connection->writers.wait_until(
            [connection, generation] { return write_failure(*connection, generation) || can_send(*connection); });
        if (auto failure = write_failure(*connection, generation))
            co_return std::unexpected(*failure);
        auto taken = send_some(*connection, data);
        if (!taken || *taken > 0)
            co_return taken;
    }
}

async::Task<Result<void>> TcpStream::write_all(std::span<const std::byte> data) noexcept {
    Connection *connection = connection_;
    if (connection == nullptr)
        co_return std::unexpected(Error::closed);
    const std::uint32_t generation = connection->generation;
    while (!data.empty()) {
        co_await connection->writers.wait_until(
            [connection, generation] { return write_failure(*connection, generation) || can_send(*connection); });
        if (auto failure = write_failure(*connection, generation))
            co_return std::unexpected(*failure);
        auto taken = send_some(*connection, data);
        if (!taken)
            co_return std::unexpected(taken.error());
        data = data.subspan(*taken);
    }
    co_return Result<void>();
}

Result<void> TcpStream::shutdown_write() noexcept {
    Connection *connection = connection_;
    if (connection == nullptr)
        return std::unexpected(Error::closed);
    if (connection->error)
        return std::unexpected(*connection->error);
    if (connection->tx_shut)
        return {};
    if (connection->pcb == nullptr)
        return std::unexpected(Error::closed);
    Stack &stack = *connection->stack;
    if (connection->eof) {
        // Their side is closed already: this is the whole close (lwIP acknowledges what is
        // still buffered first, or tcp_close would reset).
        acknowledge(connection->pcb, connection->rx_bytes);
        tcp_pcb *pcb = Callbacks::detach(*connection);
        if (tcp_close(pcb) != ERR_OK)
            tcp_abort(pcb);
    } else {
        const err_t err = tcp_shutdown(connection->pcb, 0, 1);
        if (err != ERR_OK) {
            Callbacks::after_lwip(stack);
            return std::unexpected(detail::error_of(err));
        }
    }
    connection->tx_shut = true;
    connection->writers.notify_all();
    Callbacks::after_lwip(stack);
    return {};
}

void TcpStream::close() noexcept { release(false); }

void TcpStream::abort() noexcept { release(true); }

void TcpStream::release(bool reset) noexcept {
    Connection *connection = std::exchange(connection_, nullptr);
    if (connection == nullptr)
        return;
    Stack &stack = *connection->stack;
    const std::size_t unread = connection->rx_bytes;
    if (tcp_pcb *pcb = Callbacks::detach(*connection)) {
        if (reset) {
            tcp_abort(pcb);
        } else {
            // Unread data acknowledged first: lwIP resets a connection closed with data
            // left in its window.
            acknowledge(pcb, unread);
            if (tcp_close(pcb) != ERR_OK)
                tcp_abort(pcb); // no memory for the FIN
        }
    }
    Callbacks::free(*connection);
    Callbacks::after_lwip(stack);
}

void TcpStream::set_nodelay(bool nodelay) noexcept {
    if (connection_ == nullptr || connection_->pcb == nullptr)
        return;
    if (nodelay)
        tcp_nagle_disable(connection_->pcb);
    else
        tcp_nagle_enable(connection_->pcb);
}

std::optional<Error> TcpStream::error() const noexcept {
    if (connection_ == nullptr)
        return std::nullopt;
    return connection_->error;
}

// ---------------------------------------------------------------------------------------------
// TcpListener

Result<TcpListener> TcpListener::listen(Stack &stack, std::uint16_t port, std::size_t backlog) noexcept {
    if (port == 0 || backlog == 0 || backlog > max_backlog)
        return std::unexpected(Error::invalid_argument);
    Listener *listener = Callbacks::free_listener(stack);
    if (listener == nullptr)
        return std::unexpected(Error::too_many_listeners);
    tcp_pcb *pcb = tcp_new();
    if (pcb == nullptr)
        return std::unexpected(Error::out_of_memory);
#if SO_REUSE
    ip_set_option(pcb, SOF_REUSEADDR); // a listener again while old connections linger in TIME_WAIT
#endif
    err_t err = tcp_bind(pcb, IP_ANY_TYPE, port);
    if (err != ERR_OK) {
        tcp_close(pcb); // a pcb that never connected: freed at once
        return std::unexpected(detail::error_of(err));
    }
    tcp_pcb *listening = tcp_listen_with_backlog_and_err(pcb, static_cast<u8_t>(backlog), &err);
    if (listening == nullptr) { // ERR_USE: another listener on the port (SO_REUSE), or ERR_MEM
        tcp_close(pcb);
        return std::unexpected(detail::error_of(err));
    }
    listener->in_use = true;
    listener->pcb = listening;
    listener->head = listener->count = 0;
    listener->capacity = backlog;
    listener->port = port;
    tcp_arg(listening, listener);
    tcp_accept(listening, &Callbacks::on_tcp_accept);
    Callbacks::after_lwip(stack);
    return TcpListener(listener);
}

async::Task<Result<TcpStream>> TcpListener::accept() noexcept {
    Listener *listener = listener_;
    if (listener == nullptr)
        co_return std::unexpected(Error::closed);
    const std::uint32_t generation = listener->generation;
    for (;;) {
        co_await listener->acceptors.wait_until(
            [listener, generation] { return listener->generation != generation || listener->count > 0; });
        if (listener->generation != generation)
            co_return std::unexpected(Error::closed);
        if (listener->count == 0)
            continue; // another accept() took it first
        Connection *connection = listener->backlog[listener->head];
        listener->head = (listener->head + 1) % max_backlog;
        --listener->count;
        TcpStream stream(connection);
        if (connection->error && connection->rx_bytes == 0)
            continue; // reset before it was accepted: the stream frees it
        co_return std::move(stream);
    }
}

void TcpListener::close() noexcept {
    Listener *listener = std::exchange(listener_, nullptr);
    if (listener == nullptr)
        return;
    Stack &stack = *listener->stack;
    tcp_arg(listener->pcb, nullptr);
    tcp_accept(listener->pcb, nullptr);
    tcp_close(listener->pcb); // a listening pcb always closes
    listener->pcb = nullptr;
    while (listener->count > 0) { // accepted by lwIP, never by accept(): reset them
        TcpStream(listener->backlog[listener->head]).abort();
        listener->head = (listener->head + 1) % max_backlog;
        --listener->count;
    }
    listener->in_use = false;
    ++listener->generation;
    listener->acceptors.notify_all();
    Callbacks::after_lwip(stack);
}

} // namespace sel4::net
