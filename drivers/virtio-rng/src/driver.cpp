// virtio_rng_driver.elf: a pool of entropy from a virtio-rng device (virtio 1.2, 5.4: one
// request queue of device-writable buffers, which the device fills with random bytes).
//
// The pool (pool_bytes in the PD's memory) is refilled with one 256-byte request at a time
// while it has room for it. A protected call rng::Read{max} takes up to min(max, 48) bytes
// from the pool (they are never given twice) and answers rng::Bytes{count, bytes}; when it
// gives fewer than asked the driver remembers that the client is waiting and notifies it
// after the next refill. A used element whose length exceeds the buffer is logged and
// nothing of it is used.
#include <sel4/drivers/rng.hpp>
#include <sel4/log.hpp>
#include <sel4/message/microkit.hpp>
#include <sel4/microkit.hpp>
#include <sel4/virtio.hpp>
#include <sel4/virtio/driver.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace mk = sel4::microkit;
namespace v = sel4::virtio;
namespace rng = sel4::drivers::rng;
namespace log = sel4::log;

namespace {

constexpr std::uint16_t queue_size = 8;
constexpr std::size_t request_bytes = 256;
constexpr std::size_t pool_bytes = 1024;
using Queue = v::SplitQueue<queue_size>;

const mk::Channel client(rng::client_channel);
const mk::Channel device_irq(rng::irq_channel);

using v::driver::log_error;

class Driver {
public:
    bool start() {
        v::driver::Device *found = v::driver::find_device(transport_, v::DeviceType::entropy, "virtio-rng");
        if (found == nullptr)
            return false;
        v::driver::Device &device = *found;
        if (!v::driver::negotiate(device, 0))
            return false;
        v::DmaArena arena = v::driver::dma();
        auto rings = arena.take(Queue::bytes_for(queue_size), v::ring_alignment);
        auto buffer = arena.take(request_bytes, 64);
        if (!rings || !buffer) {
            log::error("the DMA region of {} bytes does not hold the queue and a buffer", dma_size.get());
            device.mark_failed();
            return false;
        }
        buffer_ = *buffer;
        if (!v::driver::attach_queue(device, queue_, *rings, queue_size, "the virtqueue"))
            return false;
        if (!v::driver::setup_queue(device, 0, queue_, "queue 0"))
            return false;
        if (!v::driver::driver_ok(device))
            return false;
        refill();
        return true;
    }

    // The device's completions: the bytes into the pool, the next request.
    void complete() {
        if (!transport_)
            return;
        (void)transport_->take_interrupt();
        bool added = false;
        while (auto used = queue_.take_used()) {
            in_flight_ = false;
            if (!*used) {
                log_error("a used element", used->error());
                continue;
            }
            const std::size_t length = (*used)->length;
            const auto *bytes = reinterpret_cast<const volatile std::uint8_t *>(buffer_.vaddr);
            for (std::size_t i = 0; i < length && count_ < pool_bytes; ++i) {
                pool_[(start_ + count_) % pool_bytes] = bytes[i];
                ++count_;
            }
            added |= length > 0;
            ++refills_;
        }
        if (added && waiting_) {
            waiting_ = false;
            client.defer_notify();
        }
        refill();
    }

    rng::Bytes read(std::uint32_t max) {
        rng::Bytes reply{};
        const std::size_t count = std::min({static_cast<std::size_t>(max), rng::max_bytes, count_});
        for (std::size_t i = 0; i < count; ++i) {
            reply.bytes[i] = pool_[start_];
            pool_[start_] = 0; // given once
            start_ = (start_ + 1) % pool_bytes;
        }
        count_ -= count;
        reply.count = static_cast<std::uint32_t>(count);
        if (count < std::min<std::size_t>(max, rng::max_bytes))
            waiting_ = true;
        refill();
        return reply;
    }

private:
    // One request for more when the pool has room for it and none is out.
    void refill() {
        if (!transport_ || in_flight_ || pool_bytes - count_ < request_bytes)
            return;
        const v::Segment chain[] = {{.paddr = buffer_.paddr, .length = request_bytes, .device_writes = true}};
        if (auto head = queue_.add(chain, 0); !head) {
            log_error("a request", head.error());
            return;
        }
        in_flight_ = true;
        if (queue_.should_notify())
            transport_->notify(0);
    }

    std::optional<v::driver::Device> transport_;
    Queue queue_;
    v::DmaRegion buffer_{};
    bool in_flight_ = false;
    bool waiting_ = false;
    std::array<std::uint8_t, pool_bytes> pool_{};
    std::size_t start_ = 0, count_ = 0;
    std::uint64_t refills_ = 0;
};

constinit std::optional<Driver> driver;

struct Handler : mk::Handler {
    void notified(mk::ChannelSet channels) {
        if (channels.contains(device_irq)) {
            driver->complete();
            device_irq.irq_ack();
        }
    }
    sel4::MessageInfo protected_call(mk::Channel, sel4::MessageInfo info) {
        return sel4::message::serve<rng::Requests>(info, [](const rng::Read &request) { return driver->read(request.max); });
    }
};

Handler make_driver() {
    driver.emplace();
    if (!driver->start())
        log::error("virtio-rng: not started; every read gives 0 bytes");
    return {};
}

} // namespace

SEL4_MICROKIT_PD(make_driver)
