// The C allocation functions and operator new's functions over the global heap, built with
// the cpp_sel4_ prefix (the test program keeps the host's malloc and operators). The global
// heap is the library's default: CPP_SEL4_HEAP_SIZE bytes in .bss.
#include <sel4/runtime/heap.hpp>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>
#include <vector>

extern "C" {
void *cpp_sel4_malloc(std::size_t);
void cpp_sel4_free(void *);
void *cpp_sel4_calloc(std::size_t, std::size_t);
void *cpp_sel4_realloc(void *, std::size_t);
void *cpp_sel4_aligned_alloc(std::size_t, std::size_t);
void *cpp_sel4_memalign(std::size_t, std::size_t);
int cpp_sel4_posix_memalign(void **, std::size_t, std::size_t);
}

namespace sel4_runtime::detail {
void *operator_new(std::size_t size, std::size_t alignment);
void *operator_new_nothrow(std::size_t size, std::size_t alignment) noexcept;
} // namespace sel4_runtime::detail

namespace {

using sel4_runtime::global_heap;
using sel4_runtime::detail::operator_new;
using sel4_runtime::detail::operator_new_nothrow;

constexpr std::size_t huge = std::numeric_limits<std::size_t>::max();

std::uintptr_t address(const void *p) { return reinterpret_cast<std::uintptr_t>(p); }

// Every test leaves the global heap as it found it: empty and consistent.
class GlobalHeap : public ::testing::Test {
protected:
    void TearDown() override {
        EXPECT_EQ(global_heap().integrity_error(), nullptr);
        EXPECT_EQ(global_heap().statistics().used_blocks, 0u);
    }
};

TEST_F(GlobalHeap, TakesTheDefaultRegionOnFirstUse) {
    const auto region = sel4_runtime::heap_region();
    EXPECT_EQ(region.size(), std::size_t{CPP_SEL4_HEAP_SIZE});
    void *p = cpp_sel4_malloc(100);
    ASSERT_NE(p, nullptr);
    EXPECT_GE(address(p), address(region.data()));
    EXPECT_LT(address(p), address(region.data()) + region.size());
    EXPECT_EQ(global_heap().statistics().free_blocks, 1u);
    cpp_sel4_free(p);
}

TEST_F(GlobalHeap, MallocFreeAndZeroSizes) {
    void *a = cpp_sel4_malloc(0), *b = cpp_sel4_malloc(0);
    EXPECT_NE(a, nullptr);
    EXPECT_NE(a, b);
    cpp_sel4_free(a);
    cpp_sel4_free(b);
    cpp_sel4_free(nullptr);
    EXPECT_EQ(cpp_sel4_malloc(huge), nullptr);
    EXPECT_EQ(cpp_sel4_malloc(CPP_SEL4_HEAP_SIZE), nullptr);
}

TEST_F(GlobalHeap, CallocZeroesAndRejectsOverflow) {
    // Dirty the memory first so that zeroing shows.
    void *dirty = cpp_sel4_malloc(4000);
    std::memset(dirty, 0xff, 4000);
    cpp_sel4_free(dirty);
    auto *p = static_cast<unsigned char *>(cpp_sel4_calloc(100, 40));
    ASSERT_NE(p, nullptr);
    for (int i = 0; i < 4000; ++i)
        ASSERT_EQ(p[i], 0) << i;
    cpp_sel4_free(p);
    EXPECT_EQ(cpp_sel4_calloc(huge / 2 + 1, 2), nullptr);
    EXPECT_EQ(cpp_sel4_calloc(std::size_t{1} << 32, std::size_t{1} << 32), nullptr);
    EXPECT_EQ(cpp_sel4_calloc(huge, huge), nullptr);
    void *zero = cpp_sel4_calloc(0, huge);
    EXPECT_NE(zero, nullptr);
    cpp_sel4_free(zero);
}

TEST_F(GlobalHeap, ReallocFollowsC) {
    auto *p = static_cast<char *>(cpp_sel4_realloc(nullptr, 10)); // as malloc
    ASSERT_NE(p, nullptr);
    std::memcpy(p, "seL4 heap", 10);
    auto *q = static_cast<char *>(cpp_sel4_realloc(p, 100000));
    ASSERT_NE(q, nullptr);
    EXPECT_STREQ(q, "seL4 heap");
    EXPECT_EQ(cpp_sel4_realloc(q, huge), nullptr); // fails; q still valid
    EXPECT_STREQ(q, "seL4 heap");
    EXPECT_EQ(cpp_sel4_realloc(q, 0), nullptr); // frees, as glibc does
}

TEST_F(GlobalHeap, AlignedForms) {
    for (std::size_t align = 1; align <= 65536; align *= 2) {
        void *a = cpp_sel4_aligned_alloc(align, 24);
        void *m = cpp_sel4_memalign(align, 1000);
        ASSERT_NE(a, nullptr);
        ASSERT_NE(m, nullptr);
        EXPECT_EQ(address(a) % align, 0u);
        EXPECT_EQ(address(m) % align, 0u);
        void *p = nullptr;
        if (align >= sizeof(void *)) {
            ASSERT_EQ(cpp_sel4_posix_memalign(&p, align, 3), 0);
            EXPECT_EQ(address(p) % align, 0u);
        } else {
            EXPECT_EQ(cpp_sel4_posix_memalign(&p, align, 3), EINVAL);
        }
        cpp_sel4_free(a);
        cpp_sel4_free(m);
        cpp_sel4_free(p);
    }
    void *untouched = &untouched;
    EXPECT_EQ(cpp_sel4_posix_memalign(&untouched, 24, 8), EINVAL);
    EXPECT_EQ(cpp_sel4_posix_memalign(&untouched, 64, huge), ENOMEM);
    EXPECT_EQ(cpp_sel4_posix_memalign(&untouched, std::size_t{1} << 40, 8), ENOMEM);
    EXPECT_EQ(untouched, &untouched);
    EXPECT_EQ(cpp_sel4_aligned_alloc(24, 8), nullptr);
    EXPECT_EQ(cpp_sel4_aligned_alloc(0, 8), nullptr);
    EXPECT_EQ(cpp_sel4_aligned_alloc(2 * CPP_SEL4_HEAP_SIZE, 8), nullptr); // beyond the region
}

TEST_F(GlobalHeap, OperatorNewThrowsBadAllocAndNothrowReturnsNull) {
    void *p = operator_new(64, __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    ASSERT_NE(p, nullptr);
    void *q = operator_new(64, 4096);
    EXPECT_EQ(address(q) % 4096, 0u);
    global_heap().deallocate(q);
    EXPECT_THROW(operator_new(huge, 16), std::bad_alloc);
    EXPECT_THROW(operator_new(CPP_SEL4_HEAP_SIZE, 16), std::bad_alloc);
    EXPECT_EQ(operator_new_nothrow(huge, 16), nullptr);
    EXPECT_EQ(operator_new_nothrow(16, std::size_t{1} << 40), nullptr);
    EXPECT_EQ(global_heap().integrity_error(), nullptr);
    global_heap().deallocate(p);
}

// A new_handler that frees a reserve: operator new retries and succeeds.
std::vector<void *> reserve;
void release_reserve() {
    for (void *p : reserve)
        global_heap().deallocate(p);
    reserve.clear();
    std::set_new_handler(nullptr);
}

TEST_F(GlobalHeap, OperatorNewCallsTheNewHandler) {
    while (void *p = global_heap().allocate(10000))
        reserve.push_back(p);
    ASSERT_FALSE(reserve.empty());
    std::set_new_handler(release_reserve);
    void *p = operator_new(10000, 16);
    EXPECT_TRUE(reserve.empty());
    global_heap().deallocate(p);

    // A handler that throws bad_alloc: the nothrow form returns nullptr.
    std::set_new_handler([] { throw std::bad_alloc(); });
    EXPECT_EQ(operator_new_nothrow(huge, 16), nullptr);
    EXPECT_THROW(operator_new(huge, 16), std::bad_alloc);
    std::set_new_handler(nullptr);
}

} // namespace
