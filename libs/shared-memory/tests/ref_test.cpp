// Ref and Slice: whole-value and field accesses, volatile and atomic, and Slice's checks.
#include <sel4/shared_memory.hpp>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>

namespace sm = sel4::shared_memory;

namespace {

struct Header {
    std::uint16_t tail;
    std::uint16_t head;
    std::uint32_t flag;
    std::uint64_t offset;
    bool plugged;
};

struct Odd {
    std::uint8_t bytes[3];
};

// The word each whole-value access uses: the widest that tiles the type at its alignment.
static_assert(std::is_same_v<sm::detail::TileWord<Header>::type, std::uint64_t>);
static_assert(std::is_same_v<sm::detail::TileWord<Odd>::type, std::uint8_t>);
static_assert(std::is_same_v<sm::detail::TileWord<std::array<std::uint16_t, 3>>::type, std::uint16_t>);
struct Twelve {
    std::uint32_t a, b, c;
};
static_assert(std::is_same_v<sm::detail::TileWord<Twelve>::type, std::uint32_t>);

struct Memory {
    alignas(8) std::array<std::byte, 128> bytes{};
    sm::Region region() { return sm::Region{bytes.data(), bytes.size()}; }
    Header header_at(std::size_t offset) const {
        Header h;
        std::memcpy(&h, bytes.data() + offset, sizeof h);
        return h;
    }
};

TEST(Ref, WholeValueReadAndWrite) {
    Memory memory;
    auto ref = memory.region().ref<Header>(24).value();
    ref.write(Header{1, 2, 3, 0x1122334455667788, true});
    Header seen = memory.header_at(24);
    EXPECT_EQ(seen.tail, 1);
    EXPECT_EQ(seen.head, 2);
    EXPECT_EQ(seen.flag, 3u);
    EXPECT_EQ(seen.offset, 0x1122334455667788u);
    EXPECT_TRUE(seen.plugged);

    seen.head = 77;
    std::memcpy(memory.bytes.data() + 24, &seen, sizeof seen);
    EXPECT_EQ(ref.read().head, 77);
}

TEST(Ref, FieldsVolatile) {
    Memory memory;
    auto ref = memory.region().ref<Header>(0).value();
    ref.write<&Header::offset>(0xabcdef);
    ref.write<&Header::plugged>(true);
    EXPECT_EQ(memory.header_at(0).offset, 0xabcdefu);
    EXPECT_TRUE(memory.header_at(0).plugged);
    EXPECT_EQ(memory.header_at(0).tail, 0); // its neighbours untouched
    EXPECT_EQ(ref.read<&Header::offset>(), 0xabcdefu);
    static_assert(std::is_same_v<decltype(ref.read<&Header::tail>()), std::uint16_t>);
}

TEST(Ref, FieldsAtomic) {
    Memory memory;
    auto ref = memory.region().ref<Header>(0).value();
    ref.store<&Header::tail>(0xfffe, std::memory_order_release);
    ref.store<&Header::head>(7);
    ref.store<&Header::flag>(1, std::memory_order_relaxed);
    EXPECT_EQ(ref.load<&Header::tail>(std::memory_order_acquire), 0xfffe);
    EXPECT_EQ(ref.load<&Header::head>(), 7);
    EXPECT_EQ(ref.load<&Header::flag>(std::memory_order_relaxed), 1u);
    EXPECT_EQ(memory.header_at(0).tail, 0xfffe);
    ref.store<&Header::plugged>(true);
    EXPECT_TRUE(ref.load<&Header::plugged>());
}

TEST(Ref, ConstViewReads) {
    Memory memory;
    auto writable = memory.region().ref<Header>(0).value();
    writable.write(Header{5, 6, 7, 8, false});
    sm::Ref<const Header> readable = writable;
    EXPECT_EQ(readable.read().flag, 7u);
    EXPECT_EQ(readable.read<&Header::offset>(), 8u);
    EXPECT_EQ(readable.load<&Header::head>(std::memory_order_acquire), 6);
    EXPECT_EQ(readable.address(), writable.address());
    auto direct = memory.region().ref<const Header>(0).value();
    EXPECT_EQ(direct.load<&Header::tail>(), 5);
}

TEST(Ref, ReadsAnOddSizedValue) {
    Memory memory;
    memory.bytes[5] = std::byte{1};
    memory.bytes[6] = std::byte{2};
    memory.bytes[7] = std::byte{3};
    auto ref = memory.region().ref<Odd>(5).value(); // alignment 1: any offset
    Odd odd = ref.read();
    EXPECT_EQ(odd.bytes[0], 1);
    EXPECT_EQ(odd.bytes[2], 3);
    ref.write(Odd{{9, 8, 7}});
    EXPECT_EQ(memory.bytes[5], std::byte{9});
    EXPECT_EQ(memory.bytes[7], std::byte{7});
    EXPECT_EQ(memory.bytes[8], std::byte{0});
}

TEST(Slice, AtChecksTheIndex) {
    Memory memory;
    auto slice = memory.region().slice<std::uint32_t>(8, 4).value();
    ASSERT_EQ(slice.size(), 4u);
    for (std::uint32_t i = 0; i < 4; ++i)
        slice.at(i).value().write(100 + i);
    std::uint32_t third;
    std::memcpy(&third, memory.bytes.data() + 8 + 2 * 4, 4);
    EXPECT_EQ(third, 102u);
    EXPECT_EQ(slice[3].read(), 103u);
    auto past = slice.at(4);
    ASSERT_FALSE(past.has_value());
    EXPECT_EQ(past.error(), sm::Error::out_of_bounds);
}

TEST(Slice, Subslice) {
    Memory memory;
    auto slice = memory.region().slice<std::uint32_t>(0, 8).value();
    for (std::uint32_t i = 0; i < 8; ++i)
        slice[i].write(i);
    auto middle = slice.subslice(2, 3).value();
    EXPECT_EQ(middle.size(), 3u);
    EXPECT_EQ(middle[0].read(), 2u);
    EXPECT_FALSE(middle.at(3).has_value());
    auto empty = slice.subslice(8, 0);
    ASSERT_TRUE(empty.has_value());
    EXPECT_TRUE(empty->empty());
    auto too_long = slice.subslice(6, 3);
    ASSERT_FALSE(too_long.has_value());
    EXPECT_EQ(too_long.error(), sm::Error::out_of_bounds);
    auto too_far = slice.subslice(9, 0);
    ASSERT_FALSE(too_far.has_value());
    EXPECT_EQ(too_far.error(), sm::Error::out_of_bounds);
    EXPECT_TRUE(sm::Slice<std::uint32_t>{}.empty());
}

TEST(Slice, Wrapping) {
    Memory memory;
    auto slice = memory.region().slice<std::uint32_t>(0, 8).value();
    for (std::uint32_t i = 0; i < 8; ++i)
        slice[i].write(i);
    EXPECT_EQ(slice.wrapping(3).read(), 3u);
    EXPECT_EQ(slice.wrapping(8).read(), 0u);
    EXPECT_EQ(slice.wrapping(0xffff).read(), 7u);
    EXPECT_EQ(slice.wrapping(0xfffffffffffffffdu).read(), 5u);
    // Not a power of two: index & (size - 1), never past the end.
    auto six = slice.subslice(0, 6).value();
    for (std::size_t i = 0; i < 64; ++i)
        EXPECT_LT(six.wrapping(i).read(), 6u) << i;
    EXPECT_EQ(six.wrapping(7).read(), 5u); // 7 & 5
}

TEST(SliceDeathTest, WrappingAnEmptySliceTraps) {
    EXPECT_DEATH((void)sm::Slice<std::uint32_t>{}.wrapping(0), "");
}

TEST(SliceDeathTest, IndexOutOfRangeTraps) {
    Memory memory;
    auto slice = memory.region().slice<std::uint32_t>(0, 2).value();
    EXPECT_DEATH((void)slice[2], "");
}

} // namespace
