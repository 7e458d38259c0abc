// A network driver's side of the sDDF queues in host memory, for the netif's tests: it owns
// the four queues and the two data regions, puts frames into rx active and takes the frames
// the netif sent from tx active.
#pragma once

#include "frames.hpp"

#include <sel4/lwip/netif.hpp>
#include <sel4/lwip/port.hpp>
#include <sel4/queue/net.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace harness {

namespace net = sel4::queue::net;
namespace shm = sel4::shared_memory;

inline constexpr std::uint32_t capacity = 256;
inline constexpr std::size_t queue_bytes = 0x2000;
inline constexpr std::size_t data_bytes = capacity * net::buffer_size;

/// The fake clock every test sets lwIP's time with.
inline std::uint64_t fake_now_ns = 0;
inline std::uint64_t fake_clock(void *) noexcept { return fake_now_ns; }

struct Driver {
    struct alignas(4096) Memory {
        std::byte rx_free[queue_bytes];
        std::byte rx_active[queue_bytes];
        std::byte tx_free[queue_bytes];
        std::byte tx_active[queue_bytes];
        std::byte rx_data[data_bytes];
        std::byte tx_data[data_bytes];
    };
    std::unique_ptr<Memory> memory = std::make_unique<Memory>();
    net::QueuePair rx = *net::QueuePair::attach({memory->rx_free, queue_bytes}, {memory->rx_active, queue_bytes}, capacity);
    net::QueuePair tx = *net::QueuePair::attach({memory->tx_free, queue_bytes}, {memory->tx_active, queue_bytes}, capacity);
    shm::Region rx_data{memory->rx_data, data_bytes};
    shm::Region tx_data{memory->tx_data, data_bytes};
    std::uint64_t notified = 0;

    Driver() { std::memset(memory.get(), 0, sizeof(Memory)); }

    static void notify(void *context) noexcept { ++static_cast<Driver *>(context)->notified; }

    sel4::lwip::Netif::Config config(const frames::Mac &mac) {
        return {.rx = rx, .tx = tx, .rx_data = rx_data, .tx_data = tx_data,
                .mac = sel4::lwip::MacAddress{mac}, .notify_driver = {notify, this}};
    }

    /// Puts `frame` (at most a buffer) into an rx free buffer and that into rx active; false
    /// when rx free is empty.
    bool inject(std::span<const std::uint8_t> frame) {
        auto buffer = rx.free.dequeue();
        if (!buffer)
            return false;
        const std::size_t length = std::min(frame.size(), net::buffer_size);
        (void)rx_data.copy_in(buffer->io_or_offset, std::as_bytes(frame.first(length)));
        buffer->len = static_cast<std::uint16_t>(length);
        return rx.active.enqueue(*buffer);
    }

    /// Every frame in tx active, their buffers returned to tx free.
    std::vector<frames::Bytes> take_sent() {
        std::vector<frames::Bytes> sent;
        while (auto buffer = tx.active.dequeue()) {
            frames::Bytes frame(buffer->len);
            (void)tx_data.copy_out(buffer->io_or_offset, std::as_writable_bytes(std::span(frame)));
            sent.push_back(std::move(frame));
            buffer->len = 0;
            (void)tx.free.enqueue(*buffer);
        }
        return sent;
    }

    /// Returns every tx buffer without reading it.
    std::size_t drop_sent() {
        std::size_t count = 0;
        while (auto buffer = tx.active.dequeue()) {
            buffer->len = 0;
            (void)tx.free.enqueue(*buffer);
            ++count;
        }
        return count;
    }
};

} // namespace harness
