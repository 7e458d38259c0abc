// sel4::net's UDP sockets over lwIP's raw API: a bounded queue of received datagrams per
// socket (the pbufs themselves), sends copied out at once.
#include "lwip_glue.hpp"

#include <sel4/net.hpp>

#include <algorithm>

namespace sel4::net {

using detail::Callbacks;
using detail::UdpSlot;

void Callbacks::on_udp_recv(void *argument, udp_pcb *, pbuf *p, const ip_addr_t *address, u16_t port) {
    auto *slot = static_cast<UdpSlot *>(argument);
    if (slot == nullptr || slot->count == udp_queue_depth) {
        if (slot != nullptr)
            count_dropped(*slot->stack);
        pbuf_free(p);
        return;
    }
    slot->queue[(slot->head + slot->count) % udp_queue_depth] = {p, {from_lwip(address), port}};
    ++slot->count;
    slot->receivers.notify_all();
}

Result<UdpSocket> UdpSocket::bind(Stack &stack, std::uint16_t port) noexcept {
    UdpSlot *slot = Callbacks::free_udp(stack);
    if (slot == nullptr)
        return std::unexpected(Error::too_many_sockets);
    udp_pcb *pcb = udp_new();
    if (pcb == nullptr)
        return std::unexpected(Error::out_of_memory);
    const err_t err = udp_bind(pcb, IP_ANY_TYPE, port);
    if (err != ERR_OK) {
        udp_remove(pcb);
        return std::unexpected(detail::error_of(err));
    }
    slot->in_use = true;
    slot->pcb = pcb;
    slot->head = slot->count = 0;
    slot->port = pcb->local_port;
    udp_recv(pcb, &Callbacks::on_udp_recv, slot);
    return UdpSocket(slot);
}

async::Task<Result<Datagram>> UdpSocket::receive(std::span<std::byte> buffer) noexcept {
    UdpSlot *slot = slot_;
    if (slot == nullptr)
        co_return std::unexpected(Error::closed);
    const std::uint32_t generation = slot->generation;
    co_await slot->receivers.wait_until(
        [slot, generation] { return slot->generation != generation || slot->count > 0; });
    if (slot->generation != generation)
        co_return std::unexpected(Error::closed);
    const UdpSlot::Entry entry = slot->queue[slot->head];
    slot->head = (slot->head + 1) % udp_queue_depth;
    --slot->count;
    const std::size_t length = entry.packet->tot_len;
    const std::size_t size = std::min(length, buffer.size());
    if (size > 0)
        pbuf_copy_partial(entry.packet, buffer.data(), static_cast<u16_t>(size), 0);
    pbuf_free(entry.packet);
    co_return Datagram{size, entry.from, length > size};
}

Result<void> UdpSocket::send_to(std::span<const std::byte> data, Endpoint to) noexcept {
    UdpSlot *slot = slot_;
    if (slot == nullptr)
        return std::unexpected(Error::closed);
    if (to.port == 0)
        return std::unexpected(Error::invalid_argument);
    // An IPv4 datagram's payload: 65535 bytes less the IP and UDP headers.
    if (data.size() > 0xffff - 20 - 8)
        return std::unexpected(Error::message_too_large);
    pbuf *p = pbuf_alloc(PBUF_TRANSPORT, static_cast<u16_t>(data.size()), PBUF_RAM);
    if (p == nullptr)
        return std::unexpected(Error::out_of_memory);
    if (!data.empty())
        pbuf_take(p, data.data(), static_cast<u16_t>(data.size()));
    const ip_addr_t address = detail::to_lwip(to.address);
    const err_t err = udp_sendto(slot->pcb, p, &address, to.port);
    pbuf_free(p);
    Callbacks::after_io(*slot->stack);
    if (err != ERR_OK)
        return std::unexpected(err == ERR_VAL ? Error(Error::message_too_large) : detail::error_of(err));
    return {};
}

void UdpSocket::close() noexcept {
    UdpSlot *slot = std::exchange(slot_, nullptr);
    if (slot == nullptr)
        return;
    udp_remove(slot->pcb);
    slot->pcb = nullptr;
    while (slot->count > 0) {
        pbuf_free(slot->queue[slot->head].packet);
        slot->queue[slot->head] = {};
        slot->head = (slot->head + 1) % udp_queue_depth;
        --slot->count;
    }
    slot->in_use = false;
    ++slot->generation;
    slot->receivers.notify_all();
}

} // namespace sel4::net
