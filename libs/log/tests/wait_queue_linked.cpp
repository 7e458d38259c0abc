// In log.wait-queue's binary only: the runtime's wait queue is linked (libs/runtime's Linux
// one), so the log's line lock (src/log.cpp) finds it through its weak references and its
// waiters block on it rather than yield.
#include <sel4/log.hpp>
#include <sel4/runtime/futex.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "host_console.hpp"

namespace {

// A slow device: the holder keeps the line lock long enough for the others to wait.
void slow_sink(void *, sel4::log::Level, std::string_view) noexcept { std::this_thread::sleep_for(std::chrono::microseconds(20)); }

TEST(LineLock, BlocksOnTheRuntimesWaitQueueWhenItIsLinked) {
    ASSERT_NE(&sel4_runtime::futex_wait, nullptr);
    const sel4::log::Sink before = sel4::log::set_sink({slow_sink, nullptr});
    const long yields = host_yields.load();
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([] {
            for (int i = 0; i < 200; ++i)
                sel4::log::error("line {}", i);
        });
    for (auto &thread : threads)
        thread.join();
    EXPECT_EQ(host_yields.load(), yields);
    sel4::log::set_sink(before);
}

} // namespace
