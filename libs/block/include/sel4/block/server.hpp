/// @file
/// The server side of an sDDF block queue pair: what a block device PD (the RAM disk of
/// async.block-cache, later the virtio-blk driver) does with its client's requests.
///
/// QueueServer::next() takes a request and checks it: the code is one of sDDF's four; a
/// read or write has at least one block, its blocks lie on the device and its buffer (at
/// `io_or_offset`, `count` * 4 KiB bytes) lies in the data region at a 4 KiB boundary; a
/// write to a read-only device is refused. A request that fails a check is answered at once
/// with BLK_RESP_ERR_INVALID_PARAM (sDDF's virtualiser makes the same checks), and next()
/// goes on with the following one. A request is only taken when its answer has room in the
/// response queue, and none while the client has plugged the request queue.
///
/// A server that completes requests later (a driver waiting for its device) keeps the
/// ServerRequest and calls respond() then; one that completes them at once (a RAM disk)
/// lets serve() run them against a synchronous backend. Either way the server notifies the
/// client when take_responded() says it answered something.
#pragma once

#include <sel4/block/error.hpp>

#include <sel4/queue/blk.hpp>
#include <sel4/shared_memory.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

namespace sel4::block {

/// A request that QueueServer::next() took and checked.
struct ServerRequest {
    queue::blk::RequestCode code = queue::blk::RequestCode::read; ///< What to do.
    std::uint64_t block = 0;  ///< The first block, in 4 KiB transfer units (read, write).
    std::uint16_t count = 0;  ///< The number of blocks (read, write).
    std::uint32_t id = 0;     ///< The client's id, for the response.
    shared_memory::Region buffer{}; ///< The request's bytes of the data region (read, write).
};

/// A synchronous backend of QueueServer::serve(): reads blocks into a buffer of the data
/// region, writes them from one, flushes; each answers with an sDDF status.
template <class Backend>
concept ServerBackend = requires(Backend &backend, std::uint64_t block, std::uint16_t count,
                                 shared_memory::Region buffer) {
    { backend.read(block, count, buffer) } noexcept -> std::same_as<queue::blk::ResponseStatus>;
    { backend.write(block, count, buffer) } noexcept -> std::same_as<queue::blk::ResponseStatus>;
    { backend.flush() } noexcept -> std::same_as<queue::blk::ResponseStatus>;
};

/// A backend over memory: the disk is `disk`, 4 KiB blocks.
class MemoryBackend {
public:
    /// The blocks of `disk`.
    explicit MemoryBackend(std::span<std::byte> disk) noexcept : disk_(disk) {}

    /// The number of 4 KiB blocks.
    std::uint64_t block_count() const noexcept { return disk_.size() / queue::blk::transfer_size; }

    /// Copies blocks from the disk into `buffer`.
    queue::blk::ResponseStatus read(std::uint64_t block, std::uint16_t count, shared_memory::Region buffer) noexcept {
        auto bytes = range(block, count);
        if (!bytes || !buffer.copy_in(0, *bytes))
            return queue::blk::ResponseStatus::invalid_parameter;
        return queue::blk::ResponseStatus::ok;
    }
    /// Copies blocks from `buffer` to the disk.
    queue::blk::ResponseStatus write(std::uint64_t block, std::uint16_t count, shared_memory::Region buffer) noexcept {
        auto bytes = range(block, count);
        if (!bytes || !buffer.copy_out(0, *bytes))
            return queue::blk::ResponseStatus::invalid_parameter;
        return queue::blk::ResponseStatus::ok;
    }
    /// Memory is as durable as it gets.
    queue::blk::ResponseStatus flush() noexcept { return queue::blk::ResponseStatus::ok; }

    /// The disk.
    std::span<std::byte> disk() const noexcept { return disk_; }

private:
    std::optional<std::span<std::byte>> range(std::uint64_t block, std::uint16_t count) const noexcept {
        if (block > block_count() || count > block_count() - block)
            return std::nullopt;
        return disk_.subspan(block * queue::blk::transfer_size, std::size_t{count} * queue::blk::transfer_size);
    }
    std::span<std::byte> disk_;
};
static_assert(ServerBackend<MemoryBackend>);

/// What a QueueServer has done.
struct ServerStats {
    std::uint64_t requests = 0;  ///< Requests taken.
    std::uint64_t rejected = 0;  ///< Of those, answered with invalid_parameter by next().
    std::uint64_t responses = 0; ///< Responses enqueued.
};

/// The server end of one client's queue pair (see the file's comment).
class QueueServer {
public:
    /// Serves `queues`, whose requests address `data` (the client's data region, as the
    /// server maps it), for a device of `block_count` 4 KiB blocks.
    QueueServer(queue::blk::QueuePair queues, shared_memory::Region data, std::uint64_t block_count,
                bool read_only = false) noexcept
        : queues_(queues), data_(data), block_count_(block_count), read_only_(read_only) {}

    /// The next checked request; nothing when there is none, the request queue is plugged,
    /// or the response queue has no room.
    std::optional<ServerRequest> next() noexcept {
        while (!queues_.requests.plugged() && !queues_.responses.full()) {
            std::optional<queue::blk::Request> request = queues_.requests.dequeue();
            if (!request)
                return std::nullopt;
            ++stats_.requests;
            if (std::optional<ServerRequest> checked = check(*request))
                return checked;
            ++stats_.rejected;
            (void)respond(request->id, queue::blk::ResponseStatus::invalid_parameter, 0);
        }
        return std::nullopt;
    }

    /// Answers request `id`; false when the response queue is full (never for a request of
    /// next(), which leaves room for its answer, while the client keeps to the capacity).
    bool respond(std::uint32_t id, queue::blk::ResponseStatus status, std::uint16_t success_count) noexcept {
        if (!queues_.responses.enqueue({.status = status, .success_count = success_count, .id = id}))
            return false;
        ++stats_.responses;
        responded_ = true;
        return true;
    }

    /// Runs every request there is against `backend` and answers each; returns how many it
    /// served (the rejected ones included).
    template <ServerBackend Backend> std::size_t serve(Backend &backend) noexcept {
        const std::uint64_t before = stats_.requests;
        while (std::optional<ServerRequest> request = next()) {
            using queue::blk::RequestCode;
            using queue::blk::ResponseStatus;
            ResponseStatus status = ResponseStatus::ok;
            switch (request->code) {
            case RequestCode::read:
                status = backend.read(request->block, request->count, request->buffer);
                break;
            case RequestCode::write:
                status = backend.write(request->block, request->count, request->buffer);
                break;
            case RequestCode::flush:
            case RequestCode::barrier:
                status = backend.flush();
                break;
            }
            const bool transfer = request->code == RequestCode::read || request->code == RequestCode::write;
            (void)respond(request->id, status, status == ResponseStatus::ok && transfer ? request->count : 0);
        }
        return static_cast<std::size_t>(stats_.requests - before);
    }

    /// Whether a response was enqueued since the last call (then notify the client).
    bool take_responded() noexcept { return std::exchange(responded_, false); }

    /// What the server has done.
    const ServerStats &stats() const noexcept { return stats_; }
    /// The queues.
    const queue::blk::QueuePair &queues() const noexcept { return queues_; }

private:
    std::optional<ServerRequest> check(const queue::blk::Request &request) const noexcept {
        using queue::blk::RequestCode;
        ServerRequest checked{.code = request.code, .id = request.id};
        switch (static_cast<std::uint32_t>(request.code)) {
        case static_cast<std::uint32_t>(RequestCode::flush):
        case static_cast<std::uint32_t>(RequestCode::barrier):
            return checked;
        case static_cast<std::uint32_t>(RequestCode::write):
            if (read_only_)
                return std::nullopt;
            break;
        case static_cast<std::uint32_t>(RequestCode::read):
            break;
        default:
            return std::nullopt; // a code sDDF does not have
        }
        const std::uint64_t block = request.block_number;
        const std::uint16_t count = request.count;
        if (count == 0 || block > block_count_ || count > block_count_ - block)
            return std::nullopt;
        if (request.io_or_offset % queue::blk::transfer_size != 0 ||
            (data_.address() + request.io_or_offset) % queue::blk::transfer_size != 0)
            return std::nullopt;
        auto buffer = data_.subregion(request.io_or_offset, std::size_t{count} * queue::blk::transfer_size);
        if (!buffer)
            return std::nullopt;
        checked.block = block;
        checked.count = count;
        checked.buffer = *buffer;
        return checked;
    }

    queue::blk::QueuePair queues_;
    shared_memory::Region data_;
    std::uint64_t block_count_;
    bool read_only_;
    bool responded_ = false;
    ServerStats stats_;
};

} // namespace sel4::block
