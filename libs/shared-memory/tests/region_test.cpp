// Region: bounds and alignment checks of ref/slice/subregion, and copy_in/copy_out.
#include <sel4/shared_memory.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

namespace sm = sel4::shared_memory;

namespace {

struct Pair {
    std::uint32_t a;
    std::uint32_t b;
};

// 64 bytes, 8-aligned: the region under test.
struct Memory {
    alignas(8) std::array<std::byte, 64> bytes{};
    sm::Region region() { return sm::Region{bytes.data(), bytes.size()}; }
};

TEST(Region, AtAddressKeepsAddressAndSize) {
    Memory memory;
    const auto address = reinterpret_cast<std::uintptr_t>(memory.bytes.data());
    sm::Region region = sm::Region::at_address(address, 64);
    EXPECT_EQ(region.base, memory.bytes.data());
    EXPECT_EQ(region.size, 64u);
    EXPECT_EQ(region.address(), address);
}

TEST(Region, Contains) {
    Memory memory;
    sm::Region region = memory.region();
    EXPECT_TRUE(region.contains(0, 64));
    EXPECT_TRUE(region.contains(64, 0));
    EXPECT_TRUE(region.contains(10, 54));
    EXPECT_FALSE(region.contains(10, 55));
    EXPECT_FALSE(region.contains(65, 0));
    EXPECT_FALSE(region.contains(1, std::numeric_limits<std::size_t>::max())); // offset + length overflows
}

TEST(Region, RefInBoundsAndAligned) {
    Memory memory;
    auto ref = memory.region().ref<Pair>(56); // the last 8 bytes
    ASSERT_TRUE(ref.has_value());
    EXPECT_EQ(ref->address(), reinterpret_cast<std::uintptr_t>(memory.bytes.data() + 56));
}

TEST(Region, RefPastTheEnd) {
    Memory memory;
    auto ref = memory.region().ref<Pair>(60); // 4 of its 8 bytes outside
    ASSERT_FALSE(ref.has_value());
    EXPECT_EQ(ref.error(), sm::Error::out_of_bounds);
    auto beyond = memory.region().ref<Pair>(1000);
    ASSERT_FALSE(beyond.has_value());
    EXPECT_EQ(beyond.error(), sm::Error::out_of_bounds);
}

TEST(Region, RefMisaligned) {
    Memory memory;
    auto ref = memory.region().ref<Pair>(2);
    ASSERT_FALSE(ref.has_value());
    EXPECT_EQ(ref.error(), sm::Error::misaligned);
    // The alignment is the address's, not the offset's: a region that starts at an odd address.
    sm::Region odd{memory.bytes.data() + 1, 32};
    auto at_three = odd.ref<Pair>(3);
    ASSERT_TRUE(at_three.has_value());
    auto at_zero = odd.ref<Pair>(0);
    ASSERT_FALSE(at_zero.has_value());
    EXPECT_EQ(at_zero.error(), sm::Error::misaligned);
}

TEST(Region, BoundsAreCheckedBeforeAlignment) {
    Memory memory;
    auto ref = memory.region().ref<Pair>(61); // both wrong: out of bounds wins
    ASSERT_FALSE(ref.has_value());
    EXPECT_EQ(ref.error(), sm::Error::out_of_bounds);
}

TEST(Region, SliceChecks) {
    Memory memory;
    sm::Region region = memory.region();
    auto all = region.slice<Pair>(0, 8);
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ(all->size(), 8u);
    auto empty_at_end = region.slice<Pair>(64, 0);
    ASSERT_TRUE(empty_at_end.has_value());
    EXPECT_TRUE(empty_at_end->empty());

    auto one_too_many = region.slice<Pair>(8, 8);
    ASSERT_FALSE(one_too_many.has_value());
    EXPECT_EQ(one_too_many.error(), sm::Error::out_of_bounds);
    // count * sizeof(T) would overflow: still out of bounds, not a wrapped small size.
    auto huge = region.slice<Pair>(0, std::numeric_limits<std::size_t>::max() / 4);
    ASSERT_FALSE(huge.has_value());
    EXPECT_EQ(huge.error(), sm::Error::out_of_bounds);
    auto misaligned = region.slice<Pair>(4 + 2, 2);
    ASSERT_FALSE(misaligned.has_value());
    EXPECT_EQ(misaligned.error(), sm::Error::misaligned);
}

TEST(Region, Subregion) {
    Memory memory;
    sm::Region region = memory.region();
    auto middle = region.subregion(16, 32);
    ASSERT_TRUE(middle.has_value());
    EXPECT_EQ(middle->base, memory.bytes.data() + 16);
    EXPECT_EQ(middle->size, 32u);
    // A view of the subregion is checked against the subregion's end, not the region's.
    auto past = middle->ref<Pair>(32);
    ASSERT_FALSE(past.has_value());
    EXPECT_EQ(past.error(), sm::Error::out_of_bounds);

    auto too_long = region.subregion(16, 49);
    ASSERT_FALSE(too_long.has_value());
    EXPECT_EQ(too_long.error(), sm::Error::out_of_bounds);
    auto overflow = region.subregion(8, std::numeric_limits<std::size_t>::max());
    ASSERT_FALSE(overflow.has_value());
    EXPECT_EQ(overflow.error(), sm::Error::out_of_bounds);
    auto empty = region.subregion(64, 0);
    ASSERT_TRUE(empty.has_value());
    EXPECT_EQ(empty->size, 0u);
}

// copy_in/copy_out at every offset and length phase: the word-at-a-time path and the byte
// path give the same bytes, and nothing outside the range changes.
TEST(Region, CopyInAndOutAtEveryPhase) {
    std::array<std::byte, 40> source;
    for (std::size_t i = 0; i < source.size(); ++i)
        source[i] = std::byte(0xa0 + i);
    for (std::size_t offset = 0; offset < 9; ++offset) {
        for (std::size_t from = 0; from < 9; ++from) {
            for (std::size_t length : {0u, 1u, 7u, 8u, 9u, 17u, 31u}) {
                Memory memory;
                std::fill(memory.bytes.begin(), memory.bytes.end(), std::byte{0x55});
                sm::Region region = memory.region();
                ASSERT_TRUE(region.copy_in(offset, std::span(source).subspan(from, length)).has_value());
                for (std::size_t i = 0; i < memory.bytes.size(); ++i) {
                    const bool inside = i >= offset && i < offset + length;
                    ASSERT_EQ(memory.bytes[i], inside ? source[from + i - offset] : std::byte{0x55})
                        << "offset " << offset << " from " << from << " length " << length << " byte " << i;
                }
                alignas(8) std::array<std::byte, 48> back;
                std::fill(back.begin(), back.end(), std::byte{0xee});
                ASSERT_TRUE(region.copy_out(offset, std::span(back).subspan(from, length)).has_value());
                for (std::size_t i = 0; i < back.size(); ++i) {
                    const bool inside = i >= from && i < from + length;
                    ASSERT_EQ(back[i], inside ? source[i] : std::byte{0xee})
                        << "offset " << offset << " from " << from << " length " << length << " byte " << i;
                }
            }
        }
    }
}

TEST(Region, CopyOutOfBoundsCopiesNothing) {
    Memory memory;
    sm::Region region = memory.region();
    std::array<std::byte, 16> bytes;
    std::fill(bytes.begin(), bytes.end(), std::byte{0x11});
    auto in = region.copy_in(56, bytes);
    ASSERT_FALSE(in.has_value());
    EXPECT_EQ(in.error(), sm::Error::out_of_bounds);
    EXPECT_TRUE(std::all_of(memory.bytes.begin(), memory.bytes.end(), [](std::byte b) { return b == std::byte{0}; }));

    auto out = region.copy_out(49, bytes);
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error(), sm::Error::out_of_bounds);
    EXPECT_TRUE(std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0x11}; }));

    auto overflow = region.copy_out(std::numeric_limits<std::size_t>::max(), bytes);
    ASSERT_FALSE(overflow.has_value());
    EXPECT_EQ(overflow.error(), sm::Error::out_of_bounds);
}

TEST(Error, DescribeEveryError) {
    const std::string_view bounds = sm::describe(sm::Error::out_of_bounds);
    const std::string_view aligned = sm::describe(sm::Error::misaligned);
    EXPECT_NE(bounds.find("past the end"), std::string_view::npos);
    EXPECT_NE(aligned.find("aligned"), std::string_view::npos);
    EXPECT_NE(bounds, aligned);
    EXPECT_EQ(std::string_view(sm::describe(static_cast<sm::Error>(200))), "unknown shared-memory error");
}

} // namespace
