// blk::RequestQueue, blk::ResponseQueue and blk::QueuePair: attach checks, FIFO order, the
// free-running 32-bit indices across 2^32 - 1, and the plug.
#include <sel4/queue/blk.hpp>

#include "shared_buffer.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace blk = sel4::queue::blk;
using sel4::queue::Error;
using queue_test::SharedBuffer;

namespace {

blk::Request request(std::uint32_t n) {
    return {.code = static_cast<blk::RequestCode>(n % 4), .io_or_offset = std::uint64_t{n} * blk::transfer_size,
            .block_number = 1000 + std::uint64_t{n}, .count = static_cast<std::uint16_t>(n % 7 + 1), .id = n};
}

void expect_request(const std::optional<blk::Request> &got, std::uint32_t n) {
    ASSERT_TRUE(got.has_value()) << "request " << n;
    const blk::Request want = request(n);
    EXPECT_EQ(got->code, want.code);
    EXPECT_EQ(got->io_or_offset, want.io_or_offset);
    EXPECT_EQ(got->block_number, want.block_number);
    EXPECT_EQ(got->count, want.count);
    EXPECT_EQ(got->id, want.id);
}

TEST(BlkAttach, CapacityChecks) {
    SharedBuffer shared(blk::RequestQueue::bytes_for(64));
    EXPECT_EQ(blk::RequestQueue::max_capacity, 0x80000000u);
    auto zero = blk::RequestQueue::attach(shared.region(), 0);
    ASSERT_FALSE(zero.has_value());
    EXPECT_EQ(zero.error(), Error::capacity_not_power_of_two);
    auto odd = blk::ResponseQueue::attach(shared.region(), 24);
    ASSERT_FALSE(odd.has_value());
    EXPECT_EQ(odd.error(), Error::capacity_not_power_of_two);
    auto huge = blk::ResponseQueue::attach(shared.region(), 0x80000001u);
    ASSERT_FALSE(huge.has_value());
    EXPECT_EQ(huge.error(), Error::capacity_too_large);
    // 2^31 is allowed by the indices, then refused by the region's size.
    auto big = blk::ResponseQueue::attach(shared.region(), 0x80000000u);
    ASSERT_FALSE(big.has_value());
    EXPECT_EQ(big.error(), Error::region_too_small);
}

TEST(BlkAttach, RegionChecks) {
    SharedBuffer shared(blk::RequestQueue::bytes_for(8) + 16);
    sel4::shared_memory::Region exact{shared.bytes(), blk::RequestQueue::bytes_for(8)};
    EXPECT_TRUE(blk::RequestQueue::attach(exact, 8).has_value());
    sel4::shared_memory::Region short_one{shared.bytes(), blk::RequestQueue::bytes_for(8) - 1};
    auto too_small = blk::RequestQueue::attach(short_one, 8);
    ASSERT_FALSE(too_small.has_value());
    EXPECT_EQ(too_small.error(), Error::region_too_small);
    // Requests need 8-byte alignment, responses 4.
    sel4::shared_memory::Region at_four{shared.bytes() + 4, blk::RequestQueue::bytes_for(8)};
    auto misaligned = blk::RequestQueue::attach(at_four, 8);
    ASSERT_FALSE(misaligned.has_value());
    EXPECT_EQ(misaligned.error(), Error::region_misaligned);
    EXPECT_TRUE(blk::ResponseQueue::attach(at_four, 8).has_value());
    sel4::shared_memory::Region at_two{shared.bytes() + 2, blk::ResponseQueue::bytes_for(8)};
    auto response_misaligned = blk::ResponseQueue::attach(at_two, 8);
    ASSERT_FALSE(response_misaligned.has_value());
    EXPECT_EQ(response_misaligned.error(), Error::region_misaligned);
}

TEST(BlkRequestQueue, FifoAndSlots) {
    SharedBuffer shared(blk::RequestQueue::bytes_for(4));
    auto queue = *blk::RequestQueue::attach(shared.region(), 4);
    for (std::uint32_t i = 0; i < 4; ++i)
        ASSERT_TRUE(queue.enqueue(request(i)));
    EXPECT_TRUE(queue.full());
    EXPECT_FALSE(queue.enqueue(request(9)));
    // Header {head, tail, plugged} then the requests at 16, 32 bytes each.
    EXPECT_EQ(shared.get<std::uint32_t>(4), 4u);
    EXPECT_EQ(shared.get<std::uint32_t>(16 + 32 * 3 + 28), 3u); // id of the fourth
    EXPECT_EQ(shared.get<std::uint64_t>(16 + 32 * 1 + 16), 1001u);
    for (std::uint32_t i = 0; i < 4; ++i)
        expect_request(queue.dequeue(), i);
    EXPECT_FALSE(queue.dequeue().has_value());
    EXPECT_EQ(shared.get<std::uint32_t>(0), 4u);
}

TEST(BlkResponseQueue, IndicesWrapAround) {
    constexpr std::uint32_t capacity = 16;
    SharedBuffer shared(blk::ResponseQueue::bytes_for(capacity));
    shared.set<std::uint32_t>(0, 0xfffffff8u); // head
    shared.set<std::uint32_t>(4, 0xfffffff8u); // tail
    auto queue = *blk::ResponseQueue::attach(shared.region(), capacity);
    for (std::uint32_t i = 0; i < capacity; ++i)
        ASSERT_TRUE(queue.enqueue({.status = blk::ResponseStatus::io_error, .success_count = static_cast<std::uint16_t>(i), .id = i}));
    EXPECT_EQ(shared.get<std::uint32_t>(4), 8u);
    EXPECT_TRUE(queue.full());
    EXPECT_EQ(queue.length(), capacity);
    EXPECT_FALSE(queue.enqueue({}));
    // 0xfffffff8 % 16 == 8: the first response in slot 8 (12 bytes each, from offset 8).
    EXPECT_EQ(shared.get<std::uint32_t>(8 + 12 * 8 + 8), 0u);
    EXPECT_EQ(shared.get<std::uint32_t>(8 + 12 * 0 + 8), 8u);
    for (std::uint32_t i = 0; i < capacity; ++i) {
        auto got = queue.dequeue();
        ASSERT_TRUE(got.has_value());
        EXPECT_EQ(got->status, blk::ResponseStatus::io_error);
        EXPECT_EQ(got->success_count, i);
        EXPECT_EQ(got->id, i);
    }
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(shared.get<std::uint32_t>(0), 8u);
}

TEST(BlkRequestQueue, Plug) {
    SharedBuffer shared(blk::RequestQueue::bytes_for(4));
    auto client = *blk::RequestQueue::attach(shared.region(), 4);
    auto server = *blk::RequestQueue::attach(shared.region(), 4);
    EXPECT_FALSE(server.plugged());
    client.plug();
    EXPECT_TRUE(server.plugged());
    EXPECT_EQ(shared.get<std::uint8_t>(8), 1);
    // The plug is advice: the queue still moves requests.
    ASSERT_TRUE(client.enqueue(request(1)));
    expect_request(server.dequeue(), 1);
    client.unplug();
    EXPECT_FALSE(server.plugged());
    EXPECT_EQ(shared.get<std::uint8_t>(8), 0);
}

TEST(BlkQueuePair, AttachAndRoundTrip) {
    SharedBuffer requests(blk::RequestQueue::bytes_for(32));
    SharedBuffer responses(blk::ResponseQueue::bytes_for(32));
    auto client = blk::QueuePair::attach(requests.region(), responses.region(), 32);
    auto server = blk::QueuePair::attach(requests.region(), responses.region(), 32);
    ASSERT_TRUE(client.has_value() && server.has_value());
    EXPECT_EQ(client->capacity(), 32u);
    ASSERT_TRUE(client->requests.enqueue(request(5)));
    auto got = server->requests.dequeue();
    expect_request(got, 5);
    ASSERT_TRUE(server->responses.enqueue({.status = blk::ResponseStatus::ok, .success_count = got->count, .id = got->id}));
    auto response = client->responses.dequeue();
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, blk::ResponseStatus::ok);
    EXPECT_EQ(response->id, 5u);
    EXPECT_EQ(response->success_count, request(5).count);
}

TEST(BlkQueuePair, AttachErrorsOfEitherQueue) {
    SharedBuffer good(blk::RequestQueue::bytes_for(32));
    SharedBuffer small(blk::ResponseQueue::bytes_for(16));
    auto requests_small = blk::QueuePair::attach(small.region(), good.region(), 32);
    ASSERT_FALSE(requests_small.has_value());
    EXPECT_EQ(requests_small.error(), Error::region_too_small);
    auto responses_small = blk::QueuePair::attach(good.region(), small.region(), 32);
    ASSERT_FALSE(responses_small.has_value());
    EXPECT_EQ(responses_small.error(), Error::region_too_small);
}

} // namespace
