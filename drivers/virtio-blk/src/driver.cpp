// virtio_blk_driver.elf: a virtio-blk device (virtio-mmio, modern) behind sDDF block queues.
//
// The client's requests (libs/queue's sel4::queue::blk, as libs/block's QueueBlockDevice
// sends them) are taken and checked by libs/block's QueueServer: the code, the blocks on the
// device (requests past the capacity are answered with an error at once), the buffer inside
// the client's data region at a 4 KiB boundary. Each read or write becomes one chain of the
// device's request queue: a 16-byte header (type, sector) and a status byte in the driver's
// DMA memory, the buffer itself by its physical address (the data region's paddr + the
// request's offset); the driver never touches the bytes. A flush is VIRTIO_BLK_T_FLUSH when
// the device has a write cache to flush (VIRTIO_BLK_F_FLUSH), else answered at once. The
// device's completions are answered with the request's id and status; the client is
// notified once per batch.
//
// The storage information (capacity in 4 KiB units, 512-byte sectors, the block size,
// read-only) is published from the device's configuration before the first request.
#include <sel4/block/server.hpp>
#include <sel4/block/storage_info.hpp>
#include <sel4/drivers/blk.hpp>
#include <sel4/drivers/blk/regions.hpp>
#include <sel4/log.hpp>
#include <sel4/microkit.hpp>
#include <sel4/queue/blk.hpp>
#include <sel4/virtio.hpp>
#include <sel4/virtio/driver.hpp>

#include <array>
#include <cstring>
#include <optional>

namespace mk = sel4::microkit;
namespace v = sel4::virtio;
namespace blk = sel4::block;
namespace qblk = sel4::queue::blk;
namespace log = sel4::log;

SEL4_MICROKIT_VARIABLE(data_paddr, sel4::Word)

namespace {

// virtio-blk (virtio 1.2, 5.2).
namespace feature {
constexpr unsigned size_max = 1, seg_max = 2, geometry = 4, read_only = 5, blk_size = 6, flush = 9;
}
namespace config { // offsets in the configuration space
constexpr std::uint32_t capacity = 0, cylinders = 16, heads = 18, sectors = 19, blk_size = 20;
}
namespace request_type {
constexpr std::uint32_t in = 0, out = 1, flush = 4;
}
namespace request_status {
constexpr std::uint8_t ok = 0, io_error = 1, unsupported = 2;
}
constexpr std::uint32_t sector_bytes = 512;
constexpr std::uint64_t sectors_per_block = qblk::transfer_size / sector_bytes;

// The header of a request (struct virtio_blk_req up to the data).
struct RequestHeader {
    std::uint32_t type;
    std::uint32_t reserved;
    std::uint64_t sector;
};
static_assert(sizeof(RequestHeader) == 16);

constexpr std::uint16_t queue_size = 128;       // descriptors: 3 per request
constexpr std::size_t max_in_flight = 32;        // request slots (headers and status bytes)
using Queue = v::SplitQueue<queue_size>;

const mk::Channel client(sel4::drivers::blk::client_channel);
const mk::Channel device_irq(sel4::drivers::blk::irq_channel);

struct Slot {
    bool busy = false;
    std::uint32_t id = 0;       // the client's request id
    std::uint16_t count = 0;    // blocks of a read or write (0 for a flush)
    bool read = false;
};

using v::driver::log_error;

class Driver {
public:
    // Everything up to DRIVER_OK and the storage information; false (logged) when the device
    // or the system description is not as the driver needs.
    bool start() {
        v::driver::Device *found = v::driver::find_device(transport_, v::DeviceType::block, "virtio-blk");
        if (found == nullptr)
            return false;
        v::driver::Device &device = *found;

        const std::uint64_t wanted = v::feature::bit(feature::read_only) | v::feature::bit(feature::blk_size) |
                                     v::feature::bit(feature::flush) | v::feature::bit(feature::geometry);
        auto features = v::driver::negotiate(device, wanted);
        if (!features)
            return false;
        features_ = *features;

        auto info = device.read_config([&](auto &space) {
            blk::StorageInfo read{};
            const std::uint64_t sectors = space.u64(config::capacity);
            read.capacity = sectors / sectors_per_block;
            read.sector_size = sector_bytes;
            const std::uint32_t blk_size = has(feature::blk_size) ? space.u32(config::blk_size) : sector_bytes;
            read.block_size = static_cast<std::uint16_t>(blk_size > qblk::transfer_size ? blk_size / qblk::transfer_size : 1);
            if (has(feature::geometry)) {
                read.cylinders = space.u16(config::cylinders);
                read.heads = space.u8(config::heads);
                read.blocks = space.u8(config::sectors);
            }
            read.read_only = has(feature::read_only);
            read.queue_depth = static_cast<std::uint16_t>(max_in_flight);
            return std::pair{read, sectors};
        });
        if (!info) {
            log_error("the configuration", info.error());
            device.mark_failed();
            return false;
        }
        info_ = info->first;
        std::memcpy(info_.serial_number, "virtio-blk", 11);
        if (info->second % sectors_per_block != 0)
            log::warn("capacity {} sectors is not a whole number of 4 KiB blocks: the last {} sectors are not served",
                      info->second, info->second % sectors_per_block);

        v::DmaArena arena = v::driver::dma();
        auto rings = arena.take(Queue::bytes_for(queue_size), v::ring_alignment);
        auto headers = arena.take(sizeof(RequestHeader) * max_in_flight, 16);
        auto statuses = arena.take(max_in_flight, 1);
        if (!rings || !headers || !statuses) {
            log::error("the DMA region of {} bytes does not hold the queue and {} request headers", dma_size.get(),
                       max_in_flight);
            device.mark_failed();
            return false;
        }
        headers_ = *headers;
        statuses_ = *statuses;
        if (!v::driver::attach_queue(device, queue_, *rings, queue_size, "the virtqueue"))
            return false;
        if (!v::driver::setup_queue(device, 0, queue_, "queue 0"))
            return false;
        if (!v::driver::driver_ok(device))
            return false;

        const sel4::drivers::blk::Regions regions = sel4::drivers::blk::regions();
        auto queues = qblk::QueuePair::attach(regions.requests, regions.responses, sel4::drivers::blk::queue_capacity);
        auto shared_info = blk::SharedStorageInfo::attach(regions.info);
        if (!queues || !shared_info) {
            log::error("the block queues or the storage information do not fit their regions");
            device.mark_failed();
            return false;
        }
        server_.emplace(*queues, regions.data, info_.capacity, info_.read_only);
        shared_info->publish(info_);
        log::info("capacity {} blocks of 4096 bytes ({} sectors){}, ready", info_.capacity, info->second,
                  info_.read_only ? ", read-only" : "");
        return true;
    }

    // The client's requests, as far as there are free slots and descriptors.
    void submit() {
        if (!server_)
            return;
        bool added = false;
        while (free_slot() < max_in_flight && queue_.free_descriptors() >= 3) {
            std::optional<blk::ServerRequest> request = server_->next();
            if (!request)
                break;
            added |= start(*request);
        }
        if (added && queue_.should_notify())
            transport_->notify(0);
    }

    // The device's completions.
    void complete() {
        if (!transport_)
            return;
        (void)transport_->take_interrupt();
        while (auto used = queue_.take_used()) {
            if (!*used) {
                const v::Error &error = used->error();
                log_error("a used element of the request queue", error);
                if (error.has_token)
                    finish(static_cast<std::size_t>(error.token), qblk::ResponseStatus::io_error);
                if (error.code == v::ErrorCode::used_ring_overrun)
                    break;
                continue;
            }
            const std::size_t index = static_cast<std::size_t>((*used)->token);
            const std::uint8_t status = read_status(index);
            qblk::ResponseStatus answer = qblk::ResponseStatus::ok;
            if (status == request_status::io_error)
                answer = qblk::ResponseStatus::io_error;
            else if (status != request_status::ok)
                answer = qblk::ResponseStatus::unspecified_error;
            if (status != request_status::ok)
                log::warn("request {} ended with virtio status {}", slots_[index].id, status);
            finish(index, answer);
        }
    }

    // Whether a response went to the client since the last call.
    bool take_responded() { return server_ && server_->take_responded(); }

private:
    bool has(unsigned bit) const { return (features_ & v::feature::bit(bit)) != 0; }

    std::size_t free_slot() const {
        for (std::size_t i = 0; i < max_in_flight; ++i)
            if (!slots_[i].busy)
                return i;
        return max_in_flight;
    }

    // One request to the device (or answered at once); true when a chain went on the queue.
    bool start(const blk::ServerRequest &request) {
        using qblk::RequestCode;
        if ((request.code == RequestCode::flush || request.code == RequestCode::barrier) && !has(feature::flush)) {
            (void)server_->respond(request.id, qblk::ResponseStatus::ok, 0); // no write cache
            return false;
        }
        const std::size_t index = free_slot();
        Slot &slot = slots_[index];
        const bool transfer = request.code == RequestCode::read || request.code == RequestCode::write;
        const std::uint32_t type = request.code == RequestCode::read    ? request_type::in
                                   : request.code == RequestCode::write ? request_type::out
                                                                        : request_type::flush;
        auto *header = reinterpret_cast<volatile RequestHeader *>(headers_.vaddr) + index;
        header->type = type;
        header->reserved = 0;
        header->sector = transfer ? request.block * sectors_per_block : 0;
        *reinterpret_cast<volatile std::uint8_t *>(statuses_.vaddr + index) = 0xff;

        std::array<v::Segment, 3> chain{};
        std::size_t length = 0;
        chain[length++] = {.paddr = headers_.paddr_of(sizeof(RequestHeader) * index), .length = sizeof(RequestHeader),
                           .device_writes = false};
        if (transfer) {
            const std::uint64_t offset = request.buffer.address() - data_vaddr.get();
            chain[length++] = {.paddr = data_paddr.get() + offset,
                               .length = static_cast<std::uint32_t>(request.buffer.size),
                               .device_writes = request.code == RequestCode::read};
        }
        chain[length++] = {.paddr = statuses_.paddr_of(index), .length = 1, .device_writes = true};
        auto head = queue_.add(std::span(chain.data(), length), index);
        if (!head) { // cannot happen: submit() checked the descriptors
            log_error("adding a request", head.error());
            (void)server_->respond(request.id, qblk::ResponseStatus::unspecified_error, 0);
            return false;
        }
        slot = Slot{.busy = true, .id = request.id, .count = transfer ? request.count : std::uint16_t{0},
                    .read = request.code == RequestCode::read};
        return true;
    }

    std::uint8_t read_status(std::size_t index) const {
        return index < max_in_flight ? *reinterpret_cast<const volatile std::uint8_t *>(statuses_.vaddr + index)
                                     : request_status::io_error;
    }

    void finish(std::size_t index, qblk::ResponseStatus status) {
        if (index >= max_in_flight || !slots_[index].busy) {
            log::error("a completion for request slot {}, which is not out", index);
            return;
        }
        Slot &slot = slots_[index];
        slot.busy = false;
        (void)server_->respond(slot.id, status, status == qblk::ResponseStatus::ok ? slot.count : std::uint16_t{0});
    }

    std::optional<v::driver::Device> transport_;
    std::uint64_t features_ = 0;
    blk::StorageInfo info_{};
    v::DmaRegion headers_{}, statuses_{};
    Queue queue_;
    std::array<Slot, max_in_flight> slots_{};
    std::optional<blk::QueueServer> server_;
};

constinit std::optional<Driver> driver;

struct Handler : mk::Handler {
    void notified(mk::ChannelSet channels) {
        if (channels.contains(device_irq)) {
            driver->complete();
            device_irq.irq_ack();
        }
        driver->submit(); // the client's new requests, or those waiting for a free slot
        if (driver->take_responded())
            client.defer_notify();
    }
};

Handler make_driver() {
    driver.emplace();
    if (driver->start()) {
        driver->submit();
        client.defer_notify(); // the storage information is ready
    } else {
        log::error("virtio-blk: not started; requests stay unanswered");
    }
    return {};
}

} // namespace

SEL4_MICROKIT_PD(make_driver)
