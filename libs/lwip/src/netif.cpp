// sel4::lwip::Netif: lwIP's interface over sDDF network queues (sel4/lwip/netif.hpp).
#include <sel4/lwip/netif.hpp>
#include <sel4/lwip/port.hpp>

#include "platform.hpp"

#include <lwip/etharp.h>
#include <lwip/ip4_addr.h>
#include <netif/ethernet.h>

#include <cstring>
#include <span>

namespace sel4::lwip {

namespace {

namespace net = sel4::queue::net;

constexpr std::uint64_t buffer_size = net::buffer_size;

// Log the first few refusals, then one in 4096: a peer that misbehaves in a loop must not
// turn the log into its amplifier.
constexpr bool worth_logging(std::uint64_t count) noexcept { return count <= 16 || count % 4096 == 0; }

std::span<std::byte> payload(struct pbuf *segment) noexcept {
    return {static_cast<std::byte *>(segment->payload), segment->len};
}

} // namespace

ip4_addr_t Ipv4Address::to_lwip() const noexcept {
    ip4_addr_t address;
    IP4_ADDR(&address, octets[0], octets[1], octets[2], octets[3]);
    return address;
}

Ipv4Address Ipv4Address::from_lwip(const ip4_addr_t &address) noexcept {
    return from(ip4_addr1(&address), ip4_addr2(&address), ip4_addr3(&address), ip4_addr4(&address));
}

Netif::Netif(const Config &config) noexcept : config_(config) {}

Netif::~Netif() {
    if (started_)
        netif_remove(&netif_);
    for (; tx_waiting_count_ > 0; --tx_waiting_count_) {
        pbuf_free(tx_waiting_[tx_waiting_head_]);
        tx_waiting_head_ = (tx_waiting_head_ + 1) % tx_wait_capacity;
    }
}

std::expected<void, NetifError> Netif::start(Ipv4Address address, Ipv4Address netmask, Ipv4Address gateway) noexcept {
    if (started_)
        return std::unexpected(NetifError::already_started);
    const std::uint32_t rx_count = config_.rx.capacity();
    const std::uint32_t tx_count = config_.tx.capacity();
    if (rx_count > max_buffers || tx_count > max_buffers)
        return std::unexpected(NetifError::capacity_too_large);
    if (config_.rx_data.size / buffer_size < rx_count || config_.tx_data.size / buffer_size < tx_count)
        return std::unexpected(NetifError::region_too_small);

    init();
    const ip4_addr_t lwip_address = address.to_lwip();
    const ip4_addr_t lwip_netmask = netmask.to_lwip();
    const ip4_addr_t lwip_gateway = gateway.to_lwip();
    if (netif_add(&netif_, &lwip_address, &lwip_netmask, &lwip_gateway, this, init_callback, ethernet_input) == nullptr)
        return std::unexpected(NetifError::netif_add_failed);
    started_ = true;

    // Every buffer to the driver: rx ones to fill with frames, tx ones it hands back to us.
    rx_buffers_ = config_.rx.fill_free(0, rx_count);
    for (std::uint32_t i = 0; i < rx_buffers_; ++i)
        rx_driver_holds_[i] = true;
    tx_buffers_ = config_.tx.fill_free(0, tx_count);
    for (std::uint32_t i = 0; i < tx_buffers_; ++i)
        tx_driver_holds_[i] = true;
    config_.rx.active.request_signal();

    in_poll_ = true; // one notification for the buffers and the gratuitous ARP that going up sends
    netif_set_link_up(&netif_);
    netif_set_up(&netif_);
    in_poll_ = false;
    rx_returned_ = tx_enqueued_ = false;
    ++counters_.notifications;
    config_.notify_driver();
    return {};
}

void Netif::set_default() noexcept { netif_set_default(&netif_); }

err_t Netif::init_callback(struct netif *netif) noexcept {
    auto &self = *static_cast<Netif *>(netif->state);
    netif->name[0] = 'e';
    netif->name[1] = 'n';
    netif->hwaddr_len = ETH_HWADDR_LEN;
    std::memcpy(netif->hwaddr, self.config_.mac.bytes.data(), ETH_HWADDR_LEN);
    netif->mtu = self.config_.mtu;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = linkoutput_callback;
    return ERR_OK;
}

err_t Netif::linkoutput_callback(struct netif *netif, struct pbuf *frame) noexcept {
    return static_cast<Netif *>(netif->state)->output(frame);
}

std::size_t Netif::poll() noexcept {
    if (!started_)
        return 0;
    in_poll_ = true;
    flush_waiting();
    std::size_t received = 0;
    for (;;) {
        while (const auto descriptor = config_.rx.active.dequeue()) {
            receive(*descriptor);
            ++received;
        }
        if (config_.rx.active.request_signal_if_empty())
            break;
    }
    flush_waiting(); // lwIP's answers may have queued behind earlier frames
    in_poll_ = false;
    notify_if_asked();
    return received;
}

void Netif::receive(const net::BufferDescriptor &descriptor) noexcept {
    const std::uint64_t offset = descriptor.io_or_offset;
    if (offset % buffer_size != 0 || offset / buffer_size >= rx_buffers_)
        return bad_descriptor("rx active", "not a buffer of the rx data region", descriptor);
    const auto index = static_cast<std::size_t>(offset / buffer_size);
    if (!rx_driver_holds_[index])
        return bad_descriptor("rx active", "a buffer the driver does not hold", descriptor);
    rx_driver_holds_[index] = false;
    if (descriptor.len == 0 || descriptor.len > buffer_size) {
        bad_descriptor("rx active", "a length of 0 or over the buffer size", descriptor);
        return return_rx(offset);
    }

    struct pbuf *frame = pbuf_alloc(PBUF_RAW, descriptor.len, PBUF_POOL);
    if (frame == nullptr) {
        ++counters_.rx_dropped;
        return return_rx(offset);
    }
    std::size_t copied = 0;
    for (struct pbuf *segment = frame; segment != nullptr; segment = segment->next) {
        // In bounds: the offset names a buffer of the region and len <= buffer_size.
        (void)config_.rx_data.copy_out(offset + copied, payload(segment));
        copied += segment->len;
    }
    return_rx(offset);
    ++counters_.rx_frames;
    counters_.rx_bytes += descriptor.len;
    if (netif_.input(frame, &netif_) != ERR_OK)
        pbuf_free(frame);
}

void Netif::return_rx(std::uint64_t offset) noexcept {
    // Only fails when the driver corrupted the queue's head: the buffer stays ours, unused.
    if (config_.rx.free.enqueue(net::BufferDescriptor{.io_or_offset = offset, .len = 0, .oid = 0})) {
        rx_driver_holds_[static_cast<std::size_t>(offset / buffer_size)] = true;
        rx_returned_ = true;
    }
}

err_t Netif::output(struct pbuf *frame) noexcept {
    if (frame->tot_len > buffer_size) {
        ++counters_.tx_oversize;
        if (worth_logging(counters_.tx_oversize))
            detail::log_oversize(frame->tot_len, counters_.tx_oversize);
        return ERR_IF;
    }
    flush_waiting();
    if (tx_waiting_count_ == 0 && send(frame)) {
        if (!in_poll_)
            notify_if_asked();
        return ERR_OK;
    }
    if (tx_waiting_count_ == tx_wait_capacity) {
        ++counters_.tx_dropped;
        return ERR_MEM; // TCP keeps the segment unsent and tries again later
    }
    pbuf_ref(frame);
    tx_waiting_[(tx_waiting_head_ + tx_waiting_count_) % tx_wait_capacity] = frame;
    ++tx_waiting_count_;
    ++counters_.tx_queued;
    // The driver signals when it returns buffers; if some came back meanwhile, use them now.
    if (!config_.tx.free.request_signal_if_empty())
        flush_waiting();
    if (!in_poll_)
        notify_if_asked();
    return ERR_OK;
}

bool Netif::send(struct pbuf *frame) noexcept {
    for (;;) {
        const auto descriptor = config_.tx.free.dequeue();
        if (!descriptor)
            return false;
        const std::uint64_t offset = descriptor->io_or_offset;
        if (offset % buffer_size != 0 || offset / buffer_size >= tx_buffers_) {
            bad_descriptor("tx free", "not a buffer of the tx data region", *descriptor);
            continue;
        }
        const auto index = static_cast<std::size_t>(offset / buffer_size);
        if (!tx_driver_holds_[index]) {
            bad_descriptor("tx free", "a buffer the driver does not hold", *descriptor);
            continue;
        }
        tx_driver_holds_[index] = false;
        std::size_t copied = 0;
        for (struct pbuf *segment = frame; segment != nullptr && copied < frame->tot_len; segment = segment->next) {
            (void)config_.tx_data.copy_in(offset + copied, payload(segment)); // tot_len <= buffer_size
            copied += segment->len;
        }
        const net::BufferDescriptor sent{.io_or_offset = offset, .len = frame->tot_len, .oid = 0};
        // Only fails when the driver corrupted the queue's head: the buffer stays ours, unused.
        if (config_.tx.active.enqueue(sent)) {
            tx_driver_holds_[index] = true;
            tx_enqueued_ = true;
            ++counters_.tx_frames;
            counters_.tx_bytes += frame->tot_len;
        }
        return true;
    }
}

void Netif::flush_waiting() noexcept {
    while (tx_waiting_count_ > 0) {
        struct pbuf *frame = tx_waiting_[tx_waiting_head_];
        if (!send(frame)) {
            if (config_.tx.free.request_signal_if_empty())
                return;
            continue; // buffers came back after all
        }
        pbuf_free(frame);
        tx_waiting_[tx_waiting_head_] = nullptr;
        tx_waiting_head_ = (tx_waiting_head_ + 1) % tx_wait_capacity;
        --tx_waiting_count_;
    }
}

void Netif::bad_descriptor(const char *queue, const char *why, const net::BufferDescriptor &descriptor) noexcept {
    ++counters_.bad_descriptors;
    if (worth_logging(counters_.bad_descriptors))
        detail::log_bad_descriptor(queue, why, descriptor.io_or_offset, descriptor.len, counters_.bad_descriptors);
}

void Netif::notify_if_asked() noexcept {
    bool notify = false;
    if (rx_returned_) {
        rx_returned_ = false;
        notify = config_.rx.free.should_notify() || notify;
    }
    if (tx_enqueued_) {
        tx_enqueued_ = false;
        notify = config_.tx.active.should_notify() || notify;
    }
    if (notify) {
        ++counters_.notifications;
        config_.notify_driver();
    }
}

} // namespace sel4::lwip
