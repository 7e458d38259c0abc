// The log's platform on the host, for the tests: the "console" is a string they read
// (host_console.hpp); the line lock yields with std::this_thread::yield, counted.
#include "../src/platform.hpp"

#include <atomic>
#include <string>
#include <thread>

#include "host_console.hpp"

std::string host_console;
std::atomic<long> host_yields{0};

namespace sel4::log::platform {

void console_write(void *, Level, std::string_view line) noexcept {
    host_console.append(line);
    host_console.push_back('\n');
}

void yield() noexcept {
    ++host_yields;
    std::this_thread::yield();
}

} // namespace sel4::log::platform
