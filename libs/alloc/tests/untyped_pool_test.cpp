// UntypedPool against a model of the kernel's retype: every object aligned to its size,
// above everything placed before it in the same untyped, inside the untyped; smallest fit.
#include <sel4/alloc/untyped_pool.hpp>

#include <gtest/gtest.h>

#include <random>
#include <vector>

using sel4::alloc::UntypedPool;

TEST(UntypedPool, AlignsEachObjectToItsSizeAboveTheLast) {
    UntypedPool pool;
    ASSERT_TRUE(pool.add(10, 0x40000000, 16, false));
    auto a = pool.reserve(4); // 16 bytes at 0
    auto b = pool.reserve(12); // 4 KiB: aligned up to 4096
    auto c = pool.reserve(4);  // after b
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(a->offset, 0u);
    EXPECT_EQ(b->offset, 4096u);
    EXPECT_EQ(c->offset, 8192u);
    EXPECT_EQ(pool.free_bytes(), 65536u - 8192u - 16u);
}

TEST(UntypedPool, PrefersTheSmallestUntypedThatFitsAndSkipsDevices) {
    UntypedPool pool;
    pool.add(1, 0x0, 20, false);
    pool.add(2, 0x9000000, 12, true); // device memory is never handed out
    pool.add(3, 0x100000, 14, false);
    auto small = pool.reserve(12);
    ASSERT_TRUE(small);
    EXPECT_EQ(small->untyped, 3u);
    auto large = pool.reserve(16); // only the 1 MiB untyped can hold it
    ASSERT_TRUE(large);
    EXPECT_EQ(large->untyped, 1u);
    EXPECT_FALSE(pool.reserve(21));
    EXPECT_FALSE(pool.reserve(64));
}

TEST(UntypedPool, RunsOutAndExhaustsOnRequest) {
    UntypedPool pool;
    pool.add(7, 0, 13, false); // 8 KiB
    EXPECT_TRUE(pool.reserve(12));
    EXPECT_TRUE(pool.reserve(12));
    EXPECT_FALSE(pool.reserve(12));
    EXPECT_TRUE(pool.reserve(0) == std::nullopt); // full to the byte
    UntypedPool other;
    other.add(8, 0, 13, false);
    other.exhaust(8);
    EXPECT_FALSE(other.reserve(4));
    EXPECT_EQ(other.free_bytes(), 0u);
}

TEST(UntypedPool, RefusesMoreThanItsCapacity) {
    UntypedPool pool;
    for (std::size_t i = 0; i < UntypedPool::capacity; ++i)
        ASSERT_TRUE(pool.add(i, 0, 12, false));
    EXPECT_FALSE(pool.add(999, 0, 12, false));
    EXPECT_EQ(pool.size(), UntypedPool::capacity);
}

TEST(UntypedPool, RandomPlacementsNeverOverlapAndStayAligned) {
    std::mt19937_64 random(42);
    for (int round = 0; round < 50; ++round) {
        UntypedPool pool;
        std::vector<unsigned> sizes;
        const int count = 1 + static_cast<int>(random() % 8);
        for (int i = 0; i < count; ++i) {
            sizes.push_back(static_cast<unsigned>(10 + random() % 12));
            pool.add(static_cast<std::uintptr_t>(i), 0, sizes.back(), random() % 5 == 0);
        }
        struct Range { std::uintptr_t untyped, start, end; };
        std::vector<Range> placed;
        for (int i = 0; i < 400; ++i) {
            const unsigned bits = static_cast<unsigned>(4 + random() % 14);
            const auto place = pool.reserve(bits);
            if (!place)
                continue;
            const std::uintptr_t size = std::uintptr_t{1} << bits;
            EXPECT_EQ(place->offset % size, 0u);
            EXPECT_LE(place->offset + size, std::uintptr_t{1} << sizes[place->untyped]);
            for (const Range &other : placed)
                if (other.untyped == place->untyped) {
                    EXPECT_TRUE(place->offset >= other.end || place->offset + size <= other.start);
                }
            placed.push_back({place->untyped, place->offset, place->offset + size});
        }
    }
}
