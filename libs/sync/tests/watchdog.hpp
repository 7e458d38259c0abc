// For the host tests: a body that must finish in time. A lost wake-up shows as a hang, so the
// process aborts with the test's name when the limit passes, rather than waiting for CTest.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

template <class Body> void within_seconds(int limit, const char *what, Body body) {
    std::atomic<bool> finished{false};
    std::thread watchdog([&] {
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(limit);
        while (!finished.load()) {
            if (std::chrono::steady_clock::now() > until) {
                std::fprintf(stderr, "%s: not finished within %d s (a lost wake-up?)\n", what, limit);
                std::abort();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    });
    body();
    finished.store(true);
    watchdog.join();
}
