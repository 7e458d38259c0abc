/// @file
/// sDDF 0.7's block queues (include/sddf/blk/queue.h), bit-for-bit: a request queue (with its
/// plug) from the client to the block virtualiser or driver, and a response queue back; a
/// response carries the id of its request.
///
/// ```cpp
/// namespace blk = sel4::queue::blk;
/// auto queues = blk::QueuePair::attach(request_region, response_region, 128);
/// bool sent = queues->requests.enqueue({.code = blk::RequestCode::read, .io_or_offset = 0,
///                                        .block_number = 8, .count = 1, .id = 42});
/// if (auto response = queues->responses.dequeue()) ...
/// ```
#pragma once

#include <sel4/queue/error.hpp>
#include <sel4/queue/ordering.hpp>
#include <sel4/queue/ring.hpp>

#include <sel4/shared_memory.hpp>

#include <cstddef>
#include <cstdint>

/// sDDF's block queues.
namespace sel4::queue::blk {

/// The unit of a request's `count` and `success_count` (BLK_TRANSFER_SIZE): 4 KiB.
inline constexpr std::size_t transfer_size = 4096;

/// What a request asks (blk_req_code_t; a C enum, 4 bytes with GCC).
enum class RequestCode : std::uint32_t {
    read = 0,    ///< BLK_REQ_READ
    write = 1,   ///< BLK_REQ_WRITE
    flush = 2,   ///< BLK_REQ_FLUSH
    barrier = 3, ///< BLK_REQ_BARRIER
};

/// How a request ended (blk_resp_status_t).
enum class ResponseStatus : std::uint32_t {
    ok = 0,                ///< BLK_RESP_OK
    unspecified_error = 1, ///< BLK_RESP_ERR_UNSPEC: any other failure.
    invalid_parameter = 2, ///< BLK_RESP_ERR_INVALID_PARAM: the request's fields are wrong.
    io_error = 3,          ///< BLK_RESP_ERR_IO: the device failed the transfer.
    no_device = 4,         ///< BLK_RESP_ERR_NO_DEVICE: no medium is inserted.
};

/// A request: sDDF's blk_req_t (32 bytes).
struct Request {
    RequestCode code = RequestCode::read; ///< What to do.
    std::uint64_t io_or_offset = 0;       ///< The buffer's offset in the data region, or its IO address.
    std::uint64_t block_number = 0;       ///< The first block, in transfer_size units.
    std::uint16_t count = 0;              ///< The number of transfer_size blocks.
    std::uint32_t id = 0;                 ///< The client's id, echoed in the response.
};
static_assert(sizeof(Request) == 32 && alignof(Request) == 8); // sizeof(blk_req_t)
static_assert(offsetof(Request, code) == 0 && offsetof(Request, io_or_offset) == 8 &&
              offsetof(Request, block_number) == 16 && offsetof(Request, count) == 24 && offsetof(Request, id) == 28);

/// A response: sDDF's blk_resp_t (12 bytes).
struct Response {
    ResponseStatus status = ResponseStatus::ok; ///< How the request ended.
    std::uint16_t success_count = 0;            ///< The blocks transferred.
    std::uint32_t id = 0;                       ///< The request's id.
};
static_assert(sizeof(Response) == 12 && alignof(Response) == 4); // sizeof(blk_resp_t)
static_assert(offsetof(Response, status) == 0 && offsetof(Response, success_count) == 4 && offsetof(Response, id) == 8);

/// The shared part of a request queue: sDDF's blk_req_queue_t without its flexible array
/// member `buffers` (at offset 16 = sizeof(RequestQueueHeader)).
struct alignas(Request) RequestQueueHeader {
    std::uint32_t head = 0;   ///< The next request to take: the consumer's.
    std::uint32_t tail = 0;   ///< The next slot to fill: the producer's.
    bool plugged = false;     ///< While true, the consumer leaves the requests in the queue.
};
static_assert(sizeof(RequestQueueHeader) == 16); // offsetof(blk_req_queue_t, buffers)
static_assert(offsetof(RequestQueueHeader, head) == 0 && offsetof(RequestQueueHeader, tail) == 4 &&
              offsetof(RequestQueueHeader, plugged) == 8);

/// The shared part of a response queue: sDDF's blk_resp_queue_t without `buffers` (at offset 8).
struct alignas(Response) ResponseQueueHeader {
    std::uint32_t head = 0; ///< The next response to take: the consumer's.
    std::uint32_t tail = 0; ///< The next slot to fill: the producer's.
};
static_assert(sizeof(ResponseQueueHeader) == 8); // offsetof(blk_resp_queue_t, buffers)
static_assert(offsetof(ResponseQueueHeader, head) == 0 && offsetof(ResponseQueueHeader, tail) == 4);

/// A handle to a request queue in shared memory, its capacity in private memory. The plug is
/// advice for the consumer, as in sDDF: dequeue() does not look at it; a consumer that honours
/// it checks plugged() first.
class RequestQueue : public detail::Ring<RequestQueueHeader, Request, &RequestQueueHeader::head, &RequestQueueHeader::tail> {
    using Base = detail::Ring<RequestQueueHeader, Request, &RequestQueueHeader::head, &RequestQueueHeader::tail>;

public:
    /// The queue at the start of `region`, of `capacity` requests (a power of two, at most
    /// 2^31): the errors of net::Queue::attach (the region 8-aligned).
    static Result<RequestQueue> attach(shared_memory::Region region, std::uint32_t capacity) noexcept {
        auto ring = Base::attach_ring(region, capacity);
        if (!ring)
            return std::unexpected(ring.error());
        return RequestQueue(*ring);
    }

    /// Asks the consumer to leave the requests in the queue (blk_queue_plug_req).
    void plug() const noexcept { detail::store_release<&RequestQueueHeader::plugged>(header(), true); }
    /// Lets the consumer take requests again (blk_queue_unplug_req).
    void unplug() const noexcept { detail::store_release<&RequestQueueHeader::plugged>(header(), false); }
    /// Whether the queue is plugged (blk_queue_plugged_req).
    bool plugged() const noexcept { return detail::load_acquire<&RequestQueueHeader::plugged>(header()); }

private:
    explicit RequestQueue(const Base &ring) noexcept : Base(ring) {}
};

/// A handle to a response queue in shared memory, its capacity in private memory.
class ResponseQueue
    : public detail::Ring<ResponseQueueHeader, Response, &ResponseQueueHeader::head, &ResponseQueueHeader::tail> {
    using Base = detail::Ring<ResponseQueueHeader, Response, &ResponseQueueHeader::head, &ResponseQueueHeader::tail>;

public:
    /// The queue at the start of `region`, of `capacity` responses (a power of two, at most
    /// 2^31): the errors of net::Queue::attach (the region 4-aligned).
    static Result<ResponseQueue> attach(shared_memory::Region region, std::uint32_t capacity) noexcept {
        auto ring = Base::attach_ring(region, capacity);
        if (!ring)
            return std::unexpected(ring.error());
        return ResponseQueue(*ring);
    }

private:
    explicit ResponseQueue(const Base &ring) noexcept : Base(ring) {}
};

/// The request and the response queue of one client and its server, of the same capacity,
/// as sDDF's blk_queue_handle_t.
struct QueuePair {
    RequestQueue requests;   ///< Client to server.
    ResponseQueue responses; ///< Server to client.

    /// Both queues, each at the start of its region, of `capacity` entries each.
    static Result<QueuePair> attach(shared_memory::Region requests, shared_memory::Region responses,
                                    std::uint32_t capacity) noexcept {
        auto request_queue = RequestQueue::attach(requests, capacity);
        if (!request_queue)
            return std::unexpected(request_queue.error());
        auto response_queue = ResponseQueue::attach(responses, capacity);
        if (!response_queue)
            return std::unexpected(response_queue.error());
        return QueuePair{*request_queue, *response_queue};
    }

    /// The capacity of each queue.
    std::uint32_t capacity() const noexcept { return requests.capacity(); }
};

} // namespace sel4::queue::blk
