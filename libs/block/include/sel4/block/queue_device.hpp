/// @file
/// QueueBlockDevice: the client of an sDDF block device (the virtualiser, a driver, or a RAM
/// disk PD) over its request and response queues and the data region the two share.
///
/// Requests. The device has `Slots` request slots; slot i owns bytes [i * slot_bytes,
/// (i + 1) * slot_bytes) of the data region (slot_bytes = the region's size / Slots,
/// rounded down to 4 KiB, at most 65535 blocks). A transfer takes a free slot (waiting for one
/// when all are out), copies a write's data into the slot's bytes, enqueues the request with
/// the slot's id, notifies the server, and waits for the response; a read's data is copied
/// out of the slot when its response has come. A transfer larger than a slot goes as several
/// requests one after the other. Any number of tasks may transfer at once: up to Slots
/// requests are out together.
///
/// Responses. poll() takes every response from the queue and completes the request whose id
/// it carries: the waiting task becomes ready on its executor. Call it when the server's
/// notification comes, before running the executor:
///
/// ```cpp
/// void notified(sel4::microkit::ChannelSet channels) {
///     if (channels.contains(disk_channel))
///         disk.poll();
///     executor.wake(channels.bits());
///     executor.run_until_stalled();
/// }
/// ```
///
/// Ids. A request's id is its slot's index in the low 16 bits and the slot's use count in the
/// high 16, so a response for a slot that is not out (a server's mistake, or a stale one) is
/// counted (stats().bogus_responses) and dropped rather than completing the wrong request.
///
/// Errors. sDDF's statuses map to Error::device_unspecified, invalid_parameter, io and
/// no_device; an OK response whose success_count is not the request's count, and a request
/// queue that will not take a request (it never fills while the queue's capacity is at least
/// Slots, as check() demands), are Error::bad_response. Writes to a device that says it is
/// read-only fail with Error::read_only without a request.
///
/// Cancellation. A task cancelled while its request is out leaves the slot to the response:
/// the slot is free again only once the server has answered (it may still be writing the
/// slot's bytes), and nothing is copied to the cancelled task's buffer.
#pragma once

#include <sel4/block/device.hpp>
#include <sel4/block/error.hpp>

#include <sel4/async/event.hpp>
#include <sel4/async/task.hpp>
#include <sel4/queue/blk.hpp>
#include <sel4/shared_memory.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace sel4::block {

/// How a QueueBlockDevice tells the server there are requests: `function(context)` (a
/// Microkit channel's notify or defer_notify, or a host test's server).
struct Notify {
    void (*function)(void *context) noexcept = nullptr; ///< What to call (nothing when null).
    void *context = nullptr;                            ///< Its argument.

    /// Calls it.
    void operator()() const noexcept {
        if (function != nullptr)
            function(context);
    }
};

/// The sDDF status `status` as an Error, or nothing for BLK_RESP_OK.
constexpr Result<void> to_result(queue::blk::ResponseStatus status) noexcept {
    using queue::blk::ResponseStatus;
    switch (status) {
    case ResponseStatus::ok:
        return {};
    case ResponseStatus::invalid_parameter:
        return std::unexpected(Error::invalid_parameter);
    case ResponseStatus::io_error:
        return std::unexpected(Error::io);
    case ResponseStatus::no_device:
        return std::unexpected(Error::no_device);
    case ResponseStatus::unspecified_error:
        break;
    }
    return std::unexpected(Error::device_unspecified); // and any value sDDF does not have
}

/// What a QueueBlockDevice has done.
struct QueueDeviceStats {
    std::uint64_t requests = 0;        ///< Requests enqueued.
    std::uint64_t responses = 0;       ///< Responses taken (bogus ones included).
    std::uint64_t bogus_responses = 0; ///< Responses that matched no request that was out.
    std::uint64_t slot_waits = 0;      ///< Times a transfer waited for a free slot.
    std::size_t max_in_flight = 0;     ///< The most requests out at once.
};

/// The client of an sDDF block queue pair (see the file's comment), a BlockDevice of 4 KiB
/// blocks. Not copyable or movable (waiting tasks refer to its slots).
template <std::size_t Slots = 16> class QueueBlockDevice {
    static_assert(Slots >= 1 && Slots <= 0x10000, "1 to 65536 request slots (16 bits of the id)");

public:
    /// What the device works with.
    struct Config {
        queue::blk::QueuePair queues{};  ///< The request and response queues.
        shared_memory::Region data{};    ///< The data region shared with the server.
        std::uint64_t block_count = 0;   ///< The device's size in 4 KiB blocks (StorageInfo::capacity).
        bool read_only = false;          ///< Refuse writes (StorageInfo::read_only).
        Notify notify{};                 ///< How to tell the server.
    };

    /// The bytes of a block (sDDF's BLK_TRANSFER_SIZE).
    static constexpr std::size_t block_bytes = queue::blk::transfer_size;

    /// Whether `config` fits Slots: the queues hold at least Slots entries, the data region
    /// starts on a 4 KiB boundary and gives each slot at least one block; Error::bad_config
    /// otherwise.
    static Result<void> check(const Config &config) noexcept {
        if (config.queues.capacity() < Slots || config.data.address() % block_bytes != 0 ||
            config.data.size / Slots < block_bytes)
            return std::unexpected(Error::bad_config);
        return {};
    }

    /// A device over `config`. When check(config) fails, every transfer fails with its error.
    explicit QueueBlockDevice(const Config &config) noexcept
        : config_(config), valid_(check(config)),
          slot_bytes_(std::min<std::size_t>(config.data.size / Slots / block_bytes, 0xffff) * block_bytes) {}
    QueueBlockDevice(const QueueBlockDevice &) = delete;
    QueueBlockDevice &operator=(const QueueBlockDevice &) = delete;

    /// 4096.
    std::size_t block_size() const noexcept { return block_bytes; }
    /// The device's number of blocks.
    std::uint64_t block_count() const noexcept { return config_.block_count; }
    /// The bytes of the data region each request may use.
    std::size_t slot_bytes() const noexcept { return slot_bytes_; }

    /// Reads the blocks from `first` into `buffer`.
    async::Task<Result<void>> read(std::uint64_t first, std::span<std::byte> buffer) {
        if (auto blocks = check_blocks(block_bytes, block_count(), first, buffer.size()); !blocks)
            co_return std::unexpected(blocks.error());
        if (!valid_)
            co_return valid_;
        while (!buffer.empty()) {
            const std::size_t piece = std::min(buffer.size(), slot_bytes_);
            auto done = co_await checked(transfer(queue::blk::RequestCode::read, first, piece, buffer.first(piece), {}));
            if (!done)
                co_return done;
            buffer = buffer.subspan(piece);
            first += piece / block_bytes;
        }
        co_return Result<void>{};
    }

    /// Writes `data` to the blocks from `first`.
    async::Task<Result<void>> write(std::uint64_t first, std::span<const std::byte> data) {
        if (auto blocks = check_blocks(block_bytes, block_count(), first, data.size()); !blocks)
            co_return std::unexpected(blocks.error());
        if (!valid_)
            co_return valid_;
        if (config_.read_only)
            co_return std::unexpected(Error::read_only);
        while (!data.empty()) {
            const std::size_t piece = std::min(data.size(), slot_bytes_);
            auto done = co_await checked(transfer(queue::blk::RequestCode::write, first, piece, {}, data.first(piece)));
            if (!done)
                co_return done;
            data = data.subspan(piece);
            first += piece / block_bytes;
        }
        co_return Result<void>{};
    }

    /// Asks the server to make the completed writes durable (BLK_REQ_FLUSH).
    async::Task<Result<void>> flush() {
        if (!valid_)
            co_return valid_;
        co_return co_await checked(transfer(queue::blk::RequestCode::flush, 0, 0, {}, {}));
    }

    /// Takes every response and completes the requests they answer; returns how many it took.
    std::size_t poll() noexcept {
        std::size_t taken = 0;
        while (std::optional<queue::blk::Response> response = config_.queues.responses.dequeue()) {
            ++taken;
            ++stats_.responses;
            const std::size_t index = response->id & 0xffff;
            const auto use = static_cast<std::uint16_t>(response->id >> 16);
            if (index >= Slots || slots_[index].use != use ||
                (slots_[index].state != SlotState::waiting && slots_[index].state != SlotState::orphaned)) {
                ++stats_.bogus_responses;
                continue;
            }
            Slot &slot = slots_[index];
            if (slot.state == SlotState::orphaned) {
                free_slot(slot);
                continue;
            }
            slot.response = *response;
            slot.state = SlotState::answered;
            slot.answered.set();
        }
        return taken;
    }

    /// Requests out now.
    std::size_t in_flight() const noexcept { return in_flight_; }
    /// What the device has done.
    const QueueDeviceStats &stats() const noexcept { return stats_; }

private:
    enum class SlotState : std::uint8_t {
        free,     // no request
        waiting,  // its request is out, a task waits for the response
        orphaned, // its request is out, the task was cancelled
        answered, // the response came, the task has not taken it yet
    };
    struct Slot {
        SlotState state = SlotState::free;
        std::uint16_t use = 0;
        queue::blk::Response response{};
        async::Event answered;
    };

    // Holds a slot for a transfer; gives it back (or to the coming response) at the end.
    struct SlotHold {
        QueueBlockDevice *device;
        Slot *slot;
        ~SlotHold() {
            if (slot == nullptr)
                return;
            if (slot->state == SlotState::waiting)
                slot->state = SlotState::orphaned; // freed when the response comes
            else
                device->free_slot(*slot);
        }
    };

    void free_slot(Slot &slot) noexcept {
        slot.state = SlotState::free;
        --in_flight_;
        slot_free_.notify_one();
    }

    Slot *take_free_slot() noexcept {
        for (Slot &slot : slots_)
            if (slot.state == SlotState::free)
                return &slot;
        return nullptr;
    }

    // One request of `bytes` (<= slot_bytes_) from `first`; `into` for a read, `from` a write.
    async::Task<Result<void>> transfer(queue::blk::RequestCode code, std::uint64_t first, std::size_t bytes,
                                       std::span<std::byte> into, std::span<const std::byte> from) {
        Slot *slot = take_free_slot();
        while (slot == nullptr) {
            ++stats_.slot_waits;
            co_await slot_free_.wait();
            slot = take_free_slot();
        }
        const std::size_t index = static_cast<std::size_t>(slot - slots_.data());
        const std::size_t offset = index * slot_bytes_;
        slot->state = SlotState::waiting;
        ++slot->use;
        slot->answered.reset();
        ++in_flight_;
        stats_.max_in_flight = std::max(stats_.max_in_flight, in_flight_);
        SlotHold hold{this, slot};

        if (!from.empty() && !config_.data.copy_in(offset, from)) {
            slot->state = SlotState::free; // never sent: the hold frees it
            co_return std::unexpected(Error::bad_config);
        }
        const auto count = static_cast<std::uint16_t>(bytes / block_bytes);
        const queue::blk::Request request{.code = code,
                                          .io_or_offset = offset,
                                          .block_number = first,
                                          .count = count,
                                          .id = static_cast<std::uint32_t>(slot->use) << 16 |
                                                static_cast<std::uint32_t>(index)};
        if (!config_.queues.requests.enqueue(request)) {
            slot->state = SlotState::free;
            co_return std::unexpected(Error::bad_response);
        }
        ++stats_.requests;
        config_.notify();

        co_await slot->answered;
        const queue::blk::Response response = slot->response;
        if (auto status = to_result(response.status); !status)
            co_return status;
        if (code != queue::blk::RequestCode::flush && response.success_count != count)
            co_return std::unexpected(Error::bad_response);
        if (!into.empty() && !config_.data.copy_out(offset, into))
            co_return std::unexpected(Error::bad_config);
        co_return Result<void>{};
    }

    Config config_;
    Result<void> valid_;
    std::size_t slot_bytes_;
    std::size_t in_flight_ = 0;
    QueueDeviceStats stats_;
    std::array<Slot, Slots> slots_{};
    async::WaitQueue slot_free_;
};

} // namespace sel4::block
