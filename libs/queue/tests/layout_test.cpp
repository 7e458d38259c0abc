// The layouts against sDDF 0.7 (au-ts/sddf tag 0.7.0, commit 650ace5): every size and offset
// below is the one GCC gives sDDF's C structs on an LP64 little-endian target, field by field.
#include <sel4/queue.hpp>

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace net = sel4::queue::net;
namespace blk = sel4::queue::blk;

namespace {

// include/sddf/network/queue.h: net_buff_desc_t {uint64_t io_or_offset; uint16_t len; uint8_t oid : 6;}
static_assert(sizeof(net::BufferDescriptor) == 16);
static_assert(alignof(net::BufferDescriptor) == 8);
static_assert(offsetof(net::BufferDescriptor, io_or_offset) == 0);
static_assert(offsetof(net::BufferDescriptor, len) == 8);
// net_queue_t {uint16_t tail; uint16_t head; uint32_t consumer_signalled; net_buff_desc_t buffers[];}
static_assert(offsetof(net::QueueHeader, tail) == 0);
static_assert(offsetof(net::QueueHeader, head) == 2);
static_assert(offsetof(net::QueueHeader, consumer_signalled) == 4);
static_assert(sizeof(net::QueueHeader) == 8);  // offsetof(net_queue_t, buffers) and sizeof(net_queue_t)
static_assert(alignof(net::QueueHeader) == 8); // alignof(net_queue_t)
static_assert(std::is_same_v<net::Queue::Index, std::uint16_t>);
static_assert(net::Queue::bytes_for(512) == 8 + 512 * 16);
// include/sddf/network/constants.h: NET_BUFFER_SIZE 2048
static_assert(net::buffer_size == 2048);

// include/sddf/blk/queue.h: BLK_TRANSFER_SIZE 4096
static_assert(blk::transfer_size == 4096);
// blk_req_code_t: BLK_REQ_READ, BLK_REQ_WRITE, BLK_REQ_FLUSH, BLK_REQ_BARRIER (a 4-byte C enum)
static_assert(sizeof(blk::RequestCode) == 4);
static_assert(static_cast<int>(blk::RequestCode::read) == 0 && static_cast<int>(blk::RequestCode::write) == 1 &&
              static_cast<int>(blk::RequestCode::flush) == 2 && static_cast<int>(blk::RequestCode::barrier) == 3);
// blk_resp_status_t: BLK_RESP_OK, _ERR_UNSPEC, _ERR_INVALID_PARAM, _ERR_IO, _ERR_NO_DEVICE
static_assert(sizeof(blk::ResponseStatus) == 4);
static_assert(static_cast<int>(blk::ResponseStatus::ok) == 0 &&
              static_cast<int>(blk::ResponseStatus::unspecified_error) == 1 &&
              static_cast<int>(blk::ResponseStatus::invalid_parameter) == 2 &&
              static_cast<int>(blk::ResponseStatus::io_error) == 3 && static_cast<int>(blk::ResponseStatus::no_device) == 4);
// blk_req_t {code; uint64_t io_or_offset; uint64_t block_number; uint16_t count; uint32_t id;}
static_assert(sizeof(blk::Request) == 32);
static_assert(alignof(blk::Request) == 8);
static_assert(offsetof(blk::Request, code) == 0);
static_assert(offsetof(blk::Request, io_or_offset) == 8);
static_assert(offsetof(blk::Request, block_number) == 16);
static_assert(offsetof(blk::Request, count) == 24);
static_assert(offsetof(blk::Request, id) == 28);
// blk_resp_t {status; uint16_t success_count; uint32_t id;}
static_assert(sizeof(blk::Response) == 12);
static_assert(alignof(blk::Response) == 4);
static_assert(offsetof(blk::Response, status) == 0);
static_assert(offsetof(blk::Response, success_count) == 4);
static_assert(offsetof(blk::Response, id) == 8);
// blk_req_queue_t {uint32_t head; uint32_t tail; bool plugged; blk_req_t buffers[];}
static_assert(offsetof(blk::RequestQueueHeader, head) == 0);
static_assert(offsetof(blk::RequestQueueHeader, tail) == 4);
static_assert(offsetof(blk::RequestQueueHeader, plugged) == 8);
static_assert(sizeof(blk::RequestQueueHeader) == 16); // offsetof(blk_req_queue_t, buffers)
static_assert(std::is_same_v<blk::RequestQueue::Index, std::uint32_t>);
// blk_resp_queue_t {uint32_t head; uint32_t tail; blk_resp_t buffers[];}
static_assert(offsetof(blk::ResponseQueueHeader, head) == 0);
static_assert(offsetof(blk::ResponseQueueHeader, tail) == 4);
static_assert(sizeof(blk::ResponseQueueHeader) == 8); // offsetof(blk_resp_queue_t, buffers)
static_assert(alignof(blk::ResponseQueueHeader) == 4);
static_assert(blk::ResponseQueue::bytes_for(128) == 8 + 128 * 12);

// The bit-field: GCC puts `uint8_t oid : 6` in the low 6 bits of the byte after len (byte 10).
TEST(Layout, OidIsTheLowSixBitsOfByteTen) {
    net::BufferDescriptor descriptor{};
    descriptor.oid = 0x3f;
    auto bytes = std::bit_cast<std::array<std::uint8_t, 16>>(descriptor);
    EXPECT_EQ(bytes[10] & 0x3f, 0x3f);
    for (std::size_t i = 0; i < 10; ++i)
        EXPECT_EQ(bytes[i], 0) << "byte " << i;
    descriptor.oid = 1;
    bytes = std::bit_cast<std::array<std::uint8_t, 16>>(descriptor);
    EXPECT_EQ(bytes[10] & 0x3f, 0x01);
    // A byte 10 written by the C side reads back as the field.
    bytes[10] = 0x25;
    EXPECT_EQ(std::bit_cast<net::BufferDescriptor>(bytes).oid, 0x25);
}

// Descriptor fields at their bytes (little-endian).
TEST(Layout, DescriptorBytes) {
    const net::BufferDescriptor descriptor{.io_or_offset = 0x0807060504030201, .len = 0x0a09, .oid = 0};
    const auto bytes = std::bit_cast<std::array<std::uint8_t, 16>>(descriptor);
    for (std::size_t i = 0; i < 10; ++i)
        EXPECT_EQ(bytes[i], i + 1) << "byte " << i;
}

// sDDF's padding is named and zero here: every byte of a descriptor is defined.
TEST(Layout, DescriptorPaddingIsZero) {
    const net::BufferDescriptor descriptor{.io_or_offset = ~std::uint64_t{0}, .len = 0xffff, .oid = 0x3f};
    const auto bytes = std::bit_cast<std::array<std::uint8_t, 16>>(descriptor);
    EXPECT_EQ(bytes[10], 0x3f); // reserved_bits, the top two, are 0
    for (std::size_t i = 11; i < 16; ++i)
        EXPECT_EQ(bytes[i], 0) << "byte " << i;
}

TEST(Layout, RequestBytes) {
    const blk::Request request{.code = blk::RequestCode::flush, .io_or_offset = 0x1000, .block_number = 0x2a,
                               .count = 3, .id = 0x01020304};
    const auto bytes = std::bit_cast<std::array<std::uint8_t, 32>>(request);
    EXPECT_EQ(bytes[0], 2);
    EXPECT_EQ(bytes[9], 0x10);
    EXPECT_EQ(bytes[16], 0x2a);
    EXPECT_EQ(bytes[24], 3);
    EXPECT_EQ(bytes[28], 4);
    EXPECT_EQ(bytes[31], 1);
}

} // namespace
