// operator new of runtime-heap-no-exceptions (new.cpp built with -fno-exceptions): when the
// heap is exhausted it calls the out-of-memory hook, which by default prints through the
// diagnostic writer and aborts; the nothrow forms still return nullptr. The program also
// picks its own heap size with SEL4_RUNTIME_HEAP_SIZE.
#include <sel4/runtime/heap.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <unistd.h>

namespace sel4_runtime::detail {
void *operator_new(std::size_t size, std::size_t alignment);
void *operator_new_nothrow(std::size_t size, std::size_t alignment) noexcept;
} // namespace sel4_runtime::detail

// This program's heap replaces the library's default region (a weak definition).
SEL4_RUNTIME_HEAP_SIZE(256 * 1024)

namespace {

using sel4_runtime::detail::operator_new;
using sel4_runtime::detail::operator_new_nothrow;

constexpr std::size_t huge = std::numeric_limits<std::size_t>::max() / 2;

void to_stderr(const char *text) noexcept { std::fputs(text, stderr); }

TEST(NoExceptionsDeathTest, DefaultHookPrintsAndAborts) {
    sel4_runtime::set_heap_diagnostic_writer(to_stderr);
    EXPECT_DEATH(operator_new(huge, 64),
                 "heap: out of memory allocating 9223372036854775807 bytes aligned to 64");
}

TEST(NoExceptionsDeathTest, CustomHookIsCalled) {
    const auto previous = sel4_runtime::set_out_of_memory_hook(
        [](std::size_t size, std::size_t) noexcept { std::fprintf(stderr, "custom hook %zu\n", size), _exit(42); });
    EXPECT_EQ(previous, nullptr);
    EXPECT_EXIT(operator_new(huge, 16), ::testing::ExitedWithCode(42), "custom hook 9223372036854775807");
    // A hook that returns: the program still aborts (operator new cannot return nullptr).
    sel4_runtime::set_out_of_memory_hook([](std::size_t, std::size_t) noexcept {});
    EXPECT_DEATH(operator_new(huge, 16), "");
    sel4_runtime::set_out_of_memory_hook(nullptr);
}

TEST(NoExceptions, ProgramChosenHeapSize) {
    EXPECT_EQ(sel4_runtime::heap_region().size(), 256u * 1024);
    void *p = sel4_runtime::global_heap().allocate(100000);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(sel4_runtime::global_heap().allocate(200000), nullptr);
    sel4_runtime::global_heap().deallocate(p);
}

TEST(NoExceptions, SuccessAndNothrow) {
    void *p = operator_new(100, 16);
    EXPECT_NE(p, nullptr);
    sel4_runtime::global_heap().deallocate(p);
    EXPECT_EQ(operator_new_nothrow(huge, 16), nullptr);
    EXPECT_EQ(sel4_runtime::global_heap().integrity_error(), nullptr);
}

} // namespace
