// The TLSF allocator class, directly over host memory: random operation sequences checked
// against a model, exhaustion, realloc's in-place cases, alignment, edge cases, the integrity
// check itself, and the locked Heap under several threads.
#include <sel4/runtime/heap.hpp>
#include <sel4/runtime/tlsf.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <vector>

namespace {

using sel4_runtime::Heap;
using sel4_runtime::SpinLock;
using sel4_runtime::Tlsf;

constexpr std::size_t MiB = 1024 * 1024;

std::uintptr_t address(const void *p) { return reinterpret_cast<std::uintptr_t>(p); }

// A region of host memory, 16-aligned, with an offset to test unaligned starts.
struct Region {
    explicit Region(std::size_t size, std::size_t offset = 0)
        : storage(new (std::align_val_t{64}) std::byte[size + offset]), bytes(storage.get() + offset, size) {}
    struct Free {
        void operator()(std::byte *p) const { ::operator delete[](p, std::align_val_t{64}); }
    };
    std::unique_ptr<std::byte[], Free> storage;
    std::span<std::byte> bytes;
};

// A live allocation and the pattern it holds: every byte is tag + index, so that a shifted
// or foreign copy shows.
struct Live {
    std::byte *p;
    std::size_t size;
    std::uint8_t tag;
};

void fill(const Live &l) {
    for (std::size_t i = 0; i < l.size; ++i)
        l.p[i] = static_cast<std::byte>(l.tag + i * 7);
}
bool intact(const Live &l, std::size_t prefix) {
    for (std::size_t i = 0; i < prefix; ++i)
        if (l.p[i] != static_cast<std::byte>(l.tag + i * 7))
            return false;
    return true;
}

// Model of the live blocks: address -> end, checked for overlap on every allocation.
class Model {
public:
    ::testing::AssertionResult add(const Live &l, std::size_t align) {
        const auto begin = address(l.p), end = begin + std::max<std::size_t>(l.size, 1);
        if (begin % align != 0)
            return ::testing::AssertionFailure() << "misaligned " << l.p << " for " << align;
        auto after = ranges.lower_bound(begin);
        if (after != ranges.end() && after->first < end)
            return ::testing::AssertionFailure() << "overlaps the next live block";
        if (after != ranges.begin() && std::prev(after)->second > begin)
            return ::testing::AssertionFailure() << "overlaps the previous live block";
        ranges[begin] = end;
        return ::testing::AssertionSuccess();
    }
    void remove(const void *p) { ranges.erase(address(p)); }

private:
    std::map<std::uintptr_t, std::uintptr_t> ranges;
};

// Mostly small sizes, some up to 256 KiB: log-uniform over 1 B .. 256 KiB.
std::size_t random_size(std::mt19937_64 &random) {
    const unsigned bits = random() % 19; // 2^0 .. 2^18
    return 1 + random() % (std::size_t{1} << bits);
}

class RandomOperations : public ::testing::TestWithParam<unsigned> {};

TEST_P(RandomOperations, KeepEveryLiveBlockIntactAndTheHeapConsistent) {
    Region region(16 * MiB, GetParam() % 16);
    Tlsf heap;
    ASSERT_TRUE(heap.init(region.bytes));
    const std::size_t empty_free_bytes = heap.statistics().free_bytes;
    std::mt19937_64 random(GetParam());
    std::vector<Live> live;
    Model model;
    std::size_t failures = 0;
    constexpr int operations = 150000;
    for (int op = 0; op < operations; ++op) {
        const unsigned kind = random() % 100;
        if (kind < 40 || live.empty()) { // malloc-like
            Live l{nullptr, random_size(random), static_cast<std::uint8_t>(random())};
            l.p = static_cast<std::byte *>(heap.allocate(l.size));
            if (l.p == nullptr) {
                ++failures;
                continue;
            }
            ASSERT_GE(heap.usable_size(l.p), l.size);
            ASSERT_TRUE(model.add(l, Tlsf::alignment)) << "op " << op;
            fill(l);
            live.push_back(l);
        } else if (kind < 48) { // aligned
            const std::size_t align = std::size_t{1} << (5 + random() % 12); // 32 B .. 64 KiB
            Live l{nullptr, random_size(random) / 4 + 1, static_cast<std::uint8_t>(random())};
            l.p = static_cast<std::byte *>(heap.allocate(l.size, align));
            if (l.p == nullptr) {
                ++failures;
                continue;
            }
            ASSERT_TRUE(model.add(l, align)) << "op " << op;
            fill(l);
            live.push_back(l);
        } else if (kind < 85) { // free
            const std::size_t i = random() % live.size();
            ASSERT_TRUE(intact(live[i], live[i].size)) << "op " << op;
            model.remove(live[i].p);
            heap.deallocate(live[i].p);
            live[i] = live.back();
            live.pop_back();
        } else { // realloc
            Live &l = live[random() % live.size()];
            const std::size_t size = kind < 92 ? random_size(random) : l.size / 2 + 1;
            auto *p = static_cast<std::byte *>(heap.reallocate(l.p, size));
            if (p == nullptr) {
                ++failures;
                ASSERT_TRUE(intact(l, l.size)) << "failed realloc changed op " << op;
                continue;
            }
            model.remove(l.p);
            const std::size_t kept = std::min(size, l.size);
            l.p = p;
            ASSERT_TRUE(intact(l, kept)) << "realloc lost contents, op " << op;
            l.size = size;
            ASSERT_TRUE(model.add(l, Tlsf::alignment)) << "op " << op;
            fill(l);
        }
        if (op % 1000 == 0) {
            ASSERT_EQ(heap.integrity_error(), nullptr) << "op " << op;
        }
        if (op % 20000 == 0) {
            for (const Live &l : live)
                ASSERT_TRUE(intact(l, l.size)) << "op " << op;
        }
    }
    ASSERT_EQ(heap.integrity_error(), nullptr);
    for (const Live &l : live) {
        ASSERT_TRUE(intact(l, l.size));
        heap.deallocate(l.p);
    }
    const auto s = heap.statistics();
    EXPECT_EQ(s.used_blocks, 0u);
    EXPECT_EQ(s.free_blocks, 1u);
    EXPECT_EQ(s.free_bytes, empty_free_bytes);
    EXPECT_EQ(heap.integrity_error(), nullptr);
    RecordProperty("failed_allocations", static_cast<int>(failures));
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomOperations, ::testing::Values(1u, 2u, 3u));

TEST(Tlsf, PeakUsedBytesIsTheHighWaterMark) {
    Region region(1 * MiB);
    Tlsf heap;
    ASSERT_TRUE(heap.init(region.bytes));
    EXPECT_EQ(heap.statistics().peak_used_bytes, 0u);
    void *a = heap.allocate(1000);
    void *b = heap.allocate(5000);
    const std::size_t both = heap.statistics().used_bytes;
    EXPECT_GE(both, 6000u);
    EXPECT_EQ(heap.statistics().peak_used_bytes, both);
    heap.deallocate(a);
    void *c = heap.allocate(100); // less than the peak: the peak stays
    EXPECT_EQ(heap.statistics().peak_used_bytes, both);
    b = heap.reallocate(b, 20000); // grows past it
    ASSERT_NE(b, nullptr);
    const std::size_t grown = heap.statistics().used_bytes;
    EXPECT_GT(grown, both);
    EXPECT_EQ(heap.statistics().peak_used_bytes, grown);
    b = heap.reallocate(b, 10); // shrinks: the peak stays
    EXPECT_EQ(heap.statistics().peak_used_bytes, grown);
    EXPECT_EQ(heap.integrity_error(), nullptr);
    heap.deallocate(b);
    heap.deallocate(c);
    EXPECT_EQ(heap.statistics().used_bytes, 0u);
    EXPECT_EQ(heap.statistics().peak_used_bytes, grown);
    EXPECT_EQ(heap.integrity_error(), nullptr);
    ASSERT_TRUE(heap.init(region.bytes)); // a new heap: a new count
    EXPECT_EQ(heap.statistics().peak_used_bytes, 0u);
}

TEST(Tlsf, ExhaustionFailsCleanlyAndRecovers) {
    Region region(4 * MiB);
    Tlsf heap;
    ASSERT_TRUE(heap.init(region.bytes));
    std::vector<Live> live;
    for (std::uint8_t tag = 0;; ++tag) {
        Live l{static_cast<std::byte *>(heap.allocate(4000)), 4000, tag};
        if (l.p == nullptr)
            break;
        fill(l);
        live.push_back(l);
    }
    ASSERT_GT(live.size(), 1000u);
    // Smaller requests still fill what is left, down to the last byte that fits.
    for (std::size_t size = 2048; size >= 1; size /= 2)
        while (void *p = heap.allocate(size))
            live.push_back({static_cast<std::byte *>(p), 0, 0});
    EXPECT_EQ(heap.allocate(1), nullptr);
    EXPECT_EQ(heap.allocate(1, 4096), nullptr);
    EXPECT_EQ(heap.statistics().free_blocks, 0u);
    EXPECT_EQ(heap.reallocate(live[0].p, 8000), nullptr);
    ASSERT_EQ(heap.integrity_error(), nullptr);
    for (const Live &l : live)
        ASSERT_TRUE(intact(l, l.size));
    // Free every other block: 4000-byte holes, not coalesced, so 8000 still does not fit.
    for (std::size_t i = 0; i < live.size(); i += 2)
        heap.deallocate(live[i].p);
    ASSERT_EQ(heap.integrity_error(), nullptr);
    EXPECT_EQ(heap.allocate(8000), nullptr);
    void *again = heap.allocate(4000);
    EXPECT_NE(again, nullptr);
    heap.deallocate(again);
    for (std::size_t i = 1; i < live.size(); i += 2) {
        ASSERT_TRUE(intact(live[i], live[i].size));
        heap.deallocate(live[i].p);
    }
    EXPECT_EQ(heap.statistics().free_blocks, 1u);
    void *big = heap.allocate(3 * MiB);
    EXPECT_NE(big, nullptr);
    heap.deallocate(big);
    EXPECT_EQ(heap.integrity_error(), nullptr);
}

TEST(Tlsf, ReallocGrowsAndShrinksInPlaceOrMoves) {
    Region region(1 * MiB);
    Tlsf heap;
    ASSERT_TRUE(heap.init(region.bytes));
    Live a{static_cast<std::byte *>(heap.allocate(1000)), 1000, 1};
    Live b{static_cast<std::byte *>(heap.allocate(1000)), 1000, 2};
    Live c{static_cast<std::byte *>(heap.allocate(1000)), 1000, 3};
    fill(a), fill(b), fill(c);

    // Shrinks in place; the tail becomes free and is reused.
    EXPECT_EQ(heap.reallocate(a.p, 100), a.p);
    a.size = 100;
    EXPECT_TRUE(intact(a, a.size));
    EXPECT_EQ(heap.statistics().free_blocks, 2u);
    ASSERT_EQ(heap.integrity_error(), nullptr);

    // Grows in place into the free successor (b's block, once freed, coalesced with a's tail).
    heap.deallocate(b.p);
    EXPECT_EQ(heap.reallocate(a.p, 1800), a.p);
    EXPECT_TRUE(intact(a, a.size));
    a.size = 1800;
    fill(a);
    ASSERT_EQ(heap.integrity_error(), nullptr);

    // Cannot grow in place (c follows): moves, keeping the contents.
    std::byte *const old = a.p;
    auto *moved = static_cast<std::byte *>(heap.reallocate(a.p, 10000));
    ASSERT_NE(moved, nullptr);
    EXPECT_NE(moved, old);
    a.p = moved;
    EXPECT_TRUE(intact(a, a.size));
    EXPECT_TRUE(intact(c, c.size));
    ASSERT_EQ(heap.integrity_error(), nullptr);

    // The last block grows into the rest of the heap.
    EXPECT_EQ(heap.reallocate(a.p, 500000), a.p);
    EXPECT_TRUE(intact(a, a.size));
    heap.deallocate(a.p);
    heap.deallocate(c.p);
    EXPECT_EQ(heap.statistics().free_blocks, 1u);
    EXPECT_EQ(heap.integrity_error(), nullptr);
}

TEST(Tlsf, AlignedAllocationsHonourEveryPowerOfTwo) {
    Region region(16 * MiB, 8);
    Tlsf heap;
    ASSERT_TRUE(heap.init(region.bytes));
    std::mt19937_64 random(7);
    std::vector<void *> live;
    for (int round = 0; round < 2000; ++round) {
        for (std::size_t align = 1; align <= MiB; align *= 2) {
            const std::size_t size = random() % 300;
            void *p = heap.allocate(size, align);
            ASSERT_NE(p, nullptr) << align;
            ASSERT_EQ(address(p) % std::max(align, Tlsf::alignment), 0u) << align;
            std::memset(p, 0xa5, size);
            live.push_back(p);
        }
        while (live.size() > 30) {
            const std::size_t i = random() % live.size();
            heap.deallocate(live[i]);
            live[i] = live.back();
            live.pop_back();
        }
        ASSERT_EQ(heap.integrity_error(), nullptr);
    }
    for (void *p : live)
        heap.deallocate(p);
    EXPECT_EQ(heap.statistics().free_blocks, 1u);
}

TEST(Tlsf, EdgeCases) {
    Region region(1 * MiB, 3);
    Tlsf heap;
    EXPECT_EQ(heap.allocate(16), nullptr); // no region yet
    EXPECT_NE(heap.integrity_error(), nullptr);
    ASSERT_TRUE(heap.init(region.bytes));
    EXPECT_GE(address(heap.allocate(1)), address(region.bytes.data()));

    // malloc(0): distinct, usable pointers.
    void *zero1 = heap.allocate(0), *zero2 = heap.allocate(0);
    EXPECT_NE(zero1, nullptr);
    EXPECT_NE(zero1, zero2);
    EXPECT_EQ(address(zero1) % Tlsf::alignment, 0u);
    heap.deallocate(nullptr);

    const std::size_t max = std::numeric_limits<std::size_t>::max();
    for (std::size_t size : {max, max - 1, max - 64, max / 2, Tlsf::max_block_size,
                             Tlsf::max_block_size + 1, std::size_t{2} * MiB, MiB})
        EXPECT_EQ(heap.allocate(size), nullptr) << size;
    EXPECT_EQ(heap.allocate(16, std::size_t{2} * MiB), nullptr);      // alignment > region
    EXPECT_EQ(heap.allocate(16, std::size_t{1} << 63), nullptr);      // and > any block
    EXPECT_EQ(heap.allocate(max, std::size_t{1} << 63), nullptr);
    EXPECT_EQ(heap.allocate(16, 48), nullptr);                        // not a power of two
    EXPECT_EQ(heap.allocate(16, 0), nullptr);
    EXPECT_EQ(heap.reallocate(zero1, max), nullptr);
    EXPECT_EQ(heap.integrity_error(), nullptr);
    EXPECT_LE(heap.usable_size(zero1), Tlsf::min_block_size);

    // Regions too small for a block.
    Tlsf tiny;
    EXPECT_FALSE(tiny.init({}));
    EXPECT_FALSE(tiny.init(region.bytes.first(40)));
    EXPECT_FALSE(tiny.initialised());
    ASSERT_TRUE(tiny.init(region.bytes.first(128)));
    EXPECT_NE(tiny.allocate(1), nullptr);
    EXPECT_EQ(tiny.integrity_error(), nullptr);
}

TEST(Tlsf, IntegrityCheckFindsCorruption) {
    Region region(1 * MiB);
    Tlsf heap;
    ASSERT_TRUE(heap.init(region.bytes));
    auto *a = static_cast<std::byte *>(heap.allocate(100));
    auto *b = static_cast<std::byte *>(heap.allocate(100));
    heap.deallocate(a);
    ASSERT_EQ(heap.integrity_error(), nullptr);
    std::size_t header;
    // b's header lies just before b: clear its previous-free bit (the boundary tag).
    std::memcpy(&header, b - sizeof header, sizeof header);
    const std::size_t bad = header & ~std::size_t{2};
    std::memcpy(b - sizeof header, &bad, sizeof header);
    EXPECT_NE(heap.integrity_error(), nullptr);
    std::memcpy(b - sizeof header, &header, sizeof header);
    ASSERT_EQ(heap.integrity_error(), nullptr);
    // A free block's list link overwritten (a use after free).
    std::memset(a, 0x11, sizeof(void *));
    EXPECT_NE(heap.integrity_error(), nullptr);
}

TEST(Heap, FourThreadsShareOneHeapThroughTheLock) {
    static Region region(16 * MiB);
    SpinLock lock;
    Heap heap([]() noexcept { return region.bytes; }, lock.heap_lock());
    constexpr int threads = 4, operations = 60000;
    std::vector<std::thread> workers;
    std::atomic<int> damaged{0};
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&heap, &damaged, t] {
            std::mt19937_64 random(100 + t);
            std::vector<Live> live;
            for (int op = 0; op < operations; ++op) {
                if (random() % 2 == 0 || live.empty()) {
                    Live l{nullptr, random() % 2000 + 1, static_cast<std::uint8_t>(t * 50 + op)};
                    const std::size_t align = random() % 8 == 0 ? 256 : Tlsf::alignment;
                    l.p = static_cast<std::byte *>(heap.allocate(l.size, align));
                    if (l.p == nullptr)
                        continue;
                    fill(l);
                    live.push_back(l);
                } else {
                    const std::size_t i = random() % live.size();
                    Live &l = live[i];
                    if (!intact(l, l.size))
                        ++damaged;
                    if (random() % 3 == 0) {
                        const std::size_t size = random() % 4000 + 1;
                        if (auto *p = static_cast<std::byte *>(heap.reallocate(l.p, size))) {
                            l.p = p;
                            if (!intact(l, std::min(size, l.size)))
                                ++damaged;
                            l.size = size;
                            fill(l);
                        }
                    } else {
                        heap.deallocate(l.p);
                        live[i] = live.back();
                        live.pop_back();
                    }
                }
                if (op % 5000 == 0 && heap.integrity_error() != nullptr)
                    ++damaged;
            }
            for (const Live &l : live)
                heap.deallocate(l.p);
        });
    for (auto &w : workers)
        w.join();
    EXPECT_EQ(damaged.load(), 0);
    EXPECT_EQ(heap.integrity_error(), nullptr);
    EXPECT_EQ(heap.statistics().used_blocks, 0u);
    EXPECT_EQ(heap.statistics().free_blocks, 1u);
}

} // namespace
