// The port's platform on the host (unit tests, fuzzing): lines on stderr, abort() on a failed
// assertion.
#include "platform.hpp"

#include <arch/cc.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

extern "C" void sel4_lwip_platform_assert(const char *message, const char *file, int line) {
    std::fprintf(stderr, "lwip: assertion failed: %s (%s:%d)\n", message, file, line);
    std::abort();
}

extern "C" void sel4_lwip_platform_diag(const char *format, ...) {
    va_list args;
    va_start(args, format);
    std::vfprintf(stderr, format, args);
    va_end(args);
}

namespace sel4::lwip::detail {

void log_bad_descriptor(const char *queue, const char *why, std::uint64_t offset, std::uint16_t len,
                        std::uint64_t count) noexcept {
    std::fprintf(stderr, "lwip: refused a descriptor from %s: %s (offset %#" PRIx64 ", len %u; %" PRIu64 " so far)\n",
                 queue, why, offset, unsigned{len}, count);
}

void log_oversize(std::uint32_t bytes, std::uint64_t count) noexcept {
    std::fprintf(stderr, "lwip: dropped a %u-byte frame: larger than a tx buffer (%" PRIu64 " so far)\n",
                 unsigned{bytes}, count);
}

} // namespace sel4::lwip::detail
