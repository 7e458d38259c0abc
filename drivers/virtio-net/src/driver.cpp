// virtio_net_driver.elf: a virtio-net device (virtio-mmio, modern) behind sDDF's net queues,
// in the 2-PD configuration (one client, no virtualisers): see <sel4/drivers/net.hpp>.
//
// Features: VIRTIO_F_VERSION_1 (required) and VIRTIO_NET_F_MAC, nothing else (no checksum
// offload, no merged rx buffers, no GSO), so every frame has the 12-byte virtio_net_hdr of
// version 1 in front, all zero on tx. The headers live in the driver's DMA memory (one per
// chain), the frames in the client's data regions, addressed by physical address (the
// region's paddr + the descriptor's offset): each packet is a chain of two descriptors.
//
// Rx: buffers from rx free go to the device's receive queue (while it has descriptors);
// each used chain becomes a descriptor in rx active with the frame's length. Tx: frames from
// tx active go to the transmit queue; each used chain returns its buffer to tx free. The
// client is notified once per wake-up when a queue it asked about got entries; the driver
// asks (request_signal_if_empty) on rx free and tx active when it drains them.
#include <sel4/drivers/net.hpp>
#include <sel4/log.hpp>
#include <sel4/message/microkit.hpp>
#include <sel4/microkit.hpp>
#include <sel4/queue/net.hpp>
#include <sel4/virtio.hpp>
#include <sel4/virtio/driver.hpp>

#include <array>
#include <optional>

namespace mk = sel4::microkit;
namespace v = sel4::virtio;
namespace net = sel4::drivers::net;
namespace qnet = sel4::queue::net;
namespace log = sel4::log;

SEL4_MICROKIT_VARIABLE(rx_free_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_active_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_free_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_active_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_data_paddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_data_paddr, sel4::Word)

namespace {

namespace feature {
constexpr unsigned mac = 5;
}
constexpr std::size_t header_bytes = 12; // struct virtio_net_hdr with num_buffers (VERSION_1)
constexpr std::size_t header_stride = 16;
constexpr std::uint16_t max_queue_size = 256;
constexpr std::uint16_t min_queue_size = 16;
constexpr std::size_t max_chains = max_queue_size / 2; // two descriptors per packet
constexpr std::uint32_t rx_queue = 0, tx_queue = 1;
using Queue = v::SplitQueue<max_queue_size>;

const mk::Channel client(net::client_channel);
const mk::Channel device_irq(net::irq_channel);

using v::driver::log_error;

// One direction: the virtqueue, its headers in DMA memory, and which client buffer each
// header slot carries.
struct Direction {
    Queue queue;
    v::DmaRegion headers{};
    std::array<std::uint64_t, max_chains> offsets{}; // the client buffer of each slot
    std::array<std::uint16_t, max_chains> free_slots{};
    std::size_t free_count = 0;
    std::size_t slots = 0;
    std::uint64_t packets = 0, dropped = 0;

    void init_slots(std::size_t count) {
        slots = count;
        free_count = count;
        for (std::size_t i = 0; i < count; ++i)
            free_slots[i] = static_cast<std::uint16_t>(count - 1 - i);
    }
    bool can_add() const { return free_count > 0 && queue.free_descriptors() >= 2; }
    std::uint16_t take_slot() { return free_slots[--free_count]; }
    void give_slot(std::uint16_t slot) { free_slots[free_count++] = slot; }
};

class Driver {
public:
    bool start() {
        v::driver::Device *found = v::driver::find_device(transport_, v::DeviceType::network, "virtio-net");
        if (found == nullptr)
            return false;
        v::driver::Device &device = *found;
        auto features = v::driver::negotiate(device, v::feature::bit(feature::mac));
        if (!features)
            return false;
        if ((*features & v::feature::bit(feature::mac)) != 0) {
            auto mac = device.read_config([](auto &space) {
                std::uint64_t value = 0;
                for (unsigned i = 0; i < 6; ++i)
                    value |= std::uint64_t{space.u8(i)} << (8 * i);
                return value;
            });
            if (!mac) {
                log_error("the MAC address", mac.error());
                device.mark_failed();
                return false;
            }
            mac_ = *mac;
        } else {
            mac_ = 0x010000000002; // 02:00:00:00:00:01, locally administered
            log::warn("the device has no MAC address (no VIRTIO_NET_F_MAC): using 02:00:00:00:00:01");
        }
        log::info("MAC {}", net::Mac{mac_}.text().data());

        v::DmaArena arena = v::driver::dma();
        for (std::uint32_t index : {rx_queue, tx_queue}) {
            Direction &d = index == rx_queue ? rx_ : tx_;
            const std::uint32_t max = device.queue_max(index);
            std::uint16_t size = max_queue_size;
            while (size > max && size > min_queue_size)
                size = static_cast<std::uint16_t>(size / 2);
            auto rings = arena.take(Queue::bytes_for(size), v::ring_alignment);
            auto headers = arena.take(header_stride * (size / 2), header_stride);
            if (!rings || !headers) {
                log::error("the DMA region of {} bytes does not hold the queues and the headers", dma_size.get());
                device.mark_failed();
                return false;
            }
            if (!v::driver::attach_queue(device, d.queue, *rings, size, "a virtqueue"))
                return false;
            const char *what = index == rx_queue ? "the receive queue" : "the transmit queue";
            if (!v::driver::setup_queue(device, index, d.queue, what))
                return false;
            d.headers = *headers;
            d.init_slots(size / 2);
        }
        auto queues = net::Queues::attach(rx_free_vaddr.get(), rx_active_vaddr.get(), tx_free_vaddr.get(),
                                          tx_active_vaddr.get());
        if (!queues) {
            log::error("the net queues: {}", sel4::queue::describe(queues.error()));
            device.mark_failed();
            return false;
        }
        queues_.emplace(*queues);
        if (!v::driver::driver_ok(device))
            return false;
        log::info("ready: {} receive and {} transmit descriptors", rx_.queue.size(), tx_.queue.size());
        return true;
    }

    std::uint64_t mac() const { return mac_; }

    // Everything there is to do: the device's completions, the client's buffers.
    void poll(bool interrupt) {
        if (!queues_)
            return;
        if (interrupt)
            (void)transport_->take_interrupt();
        complete_rx();
        complete_tx();
        fill_rx();
        send_tx();
        if (notify_client_) {
            notify_client_ = false;
            client.defer_notify();
        }
    }

private:
    // Whether `offset` names a whole buffer of a data region.
    static bool valid_offset(std::uint64_t offset) {
        return offset <= net::data_region_bytes - net::buffer_size;
    }

    void complete_rx() {
        bool returned = false;
        while (auto used = rx_.queue.take_used()) {
            if (!*used) {
                log_error("a used element of the receive queue", used->error());
                if (!used->error().has_token)
                    continue;
                returned |= finish_rx(static_cast<std::uint16_t>(used->error().token), 0);
                continue;
            }
            const std::uint32_t length = (*used)->length;
            std::uint16_t frame = 0;
            if (length < header_bytes) {
                log::warn("a received chain of {} bytes, shorter than the header: dropped", length);
                ++rx_.dropped;
            } else {
                frame = static_cast<std::uint16_t>(length - header_bytes);
                ++rx_.packets;
            }
            returned |= finish_rx(static_cast<std::uint16_t>((*used)->token), frame);
        }
        if (returned && queues_->rx.active.should_notify())
            notify_client_ = true;
    }

    bool finish_rx(std::uint16_t slot, std::uint16_t length) {
        if (slot >= rx_.slots)
            return false;
        const std::uint64_t offset = rx_.offsets[slot];
        rx_.give_slot(slot);
        if (!queues_->rx.active.enqueue({.io_or_offset = offset, .len = length, .oid = 0})) {
            log::error("rx active is full: the client gave more buffers than the queue holds");
            return false;
        }
        return true;
    }

    void fill_rx() {
        bool added = false;
        bool refused = false;
        for (;;) {
            if (!rx_.can_add())
                break;
            std::optional<qnet::BufferDescriptor> buffer = queues_->rx.free.dequeue();
            if (!buffer) {
                if (queues_->rx.free.request_signal_if_empty())
                    break;
                continue;
            }
            if (!valid_offset(buffer->io_or_offset)) {
                log::error("rx free: a buffer at offset {:#x}, outside the data region of {:#x} bytes: returned",
                           buffer->io_or_offset, net::data_region_bytes);
                refused |= queues_->rx.active.enqueue({.io_or_offset = buffer->io_or_offset, .len = 0, .oid = 0});
                continue;
            }
            const std::uint16_t slot = rx_.take_slot();
            rx_.offsets[slot] = buffer->io_or_offset;
            const v::Segment chain[] = {
                {.paddr = rx_.headers.paddr_of(header_stride * slot), .length = header_bytes, .device_writes = true},
                {.paddr = rx_data_paddr.get() + buffer->io_or_offset, .length = net::buffer_size, .device_writes = true}};
            if (auto head = rx_.queue.add(chain, slot); !head) {
                log_error("a receive buffer", head.error());
                rx_.give_slot(slot);
                break;
            }
            added = true;
        }
        if (added && rx_.queue.should_notify())
            transport_->notify(rx_queue);
        if (refused && queues_->rx.active.should_notify())
            notify_client_ = true;
    }

    void send_tx() {
        bool added = false;
        bool returned = false;
        for (;;) {
            if (!tx_.can_add())
                break;
            std::optional<qnet::BufferDescriptor> buffer = queues_->tx.active.dequeue();
            if (!buffer) {
                if (queues_->tx.active.request_signal_if_empty())
                    break;
                continue;
            }
            if (!valid_offset(buffer->io_or_offset) || buffer->len == 0 || buffer->len > net::buffer_size) {
                log::error("tx active: a frame of {} bytes at offset {:#x} (a buffer is {} bytes in a region of {:#x}): "
                           "returned unsent",
                           buffer->len, buffer->io_or_offset, net::buffer_size, net::data_region_bytes);
                ++tx_.dropped;
                returned |= queues_->tx.free.enqueue({.io_or_offset = buffer->io_or_offset, .len = 0, .oid = 0});
                continue;
            }
            const std::uint16_t slot = tx_.take_slot();
            tx_.offsets[slot] = buffer->io_or_offset;
            auto *header = reinterpret_cast<volatile std::uint32_t *>(tx_.headers.vaddr + header_stride * slot);
            header[0] = 0;
            header[1] = 0;
            header[2] = 0;
            const v::Segment chain[] = {
                {.paddr = tx_.headers.paddr_of(header_stride * slot), .length = header_bytes, .device_writes = false},
                {.paddr = tx_data_paddr.get() + buffer->io_or_offset, .length = buffer->len, .device_writes = false}};
            if (auto head = tx_.queue.add(chain, slot); !head) {
                log_error("a frame to send", head.error());
                tx_.give_slot(slot);
                returned |= queues_->tx.free.enqueue({.io_or_offset = buffer->io_or_offset, .len = 0, .oid = 0});
                break;
            }
            ++tx_.packets;
            added = true;
        }
        if (added && tx_.queue.should_notify())
            transport_->notify(tx_queue);
        if (returned && queues_->tx.free.should_notify())
            notify_client_ = true;
    }

    void complete_tx() {
        bool returned = false;
        while (auto used = tx_.queue.take_used()) {
            std::uint64_t token = 0;
            if (!*used) {
                log_error("a used element of the transmit queue", used->error());
                if (!used->error().has_token)
                    continue;
                token = used->error().token;
            } else {
                token = (*used)->token;
            }
            const auto slot = static_cast<std::uint16_t>(token);
            if (slot >= tx_.slots)
                continue;
            const std::uint64_t offset = tx_.offsets[slot];
            tx_.give_slot(slot);
            returned |= queues_->tx.free.enqueue({.io_or_offset = offset, .len = 0, .oid = 0});
        }
        if (returned && queues_->tx.free.should_notify())
            notify_client_ = true;
    }

    std::optional<v::driver::Device> transport_;
    std::optional<net::Queues> queues_;
    std::uint64_t mac_ = 0;
    Direction rx_, tx_;
    bool notify_client_ = false;
};

constinit std::optional<Driver> driver;

struct Handler : mk::Handler {
    void notified(mk::ChannelSet channels) {
        const bool interrupt = channels.contains(device_irq);
        driver->poll(interrupt);
        if (interrupt)
            device_irq.irq_ack();
    }
    sel4::MessageInfo protected_call(mk::Channel, sel4::MessageInfo info) {
        return sel4::message::serve<net::Requests>(info, [](const net::GetMac &) { return net::Mac{driver->mac()}; });
    }
};

Handler make_driver() {
    driver.emplace();
    if (driver->start())
        driver->poll(false); // buffers the client gave before the driver started
    else
        log::error("virtio-net: not started; no frames move");
    return {};
}

} // namespace

SEL4_MICROKIT_PD(make_driver)
