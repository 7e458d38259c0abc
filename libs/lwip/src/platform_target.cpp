// The port's platform on seL4: sel4::log lines; a failed assertion logs and ends the PD's
// thread through the runtime's fatal() (the `cpp-sel4: aborted:` line, a backtrace, the
// thread suspended), never a silent fault.
#include "platform.hpp"

#include <arch/cc.h>

#include <sel4/log.hpp>
#include <sel4/runtime/abort.hpp>

#include <string_view>

extern "C" void sel4_lwip_platform_assert(const char *message, const char *file, int line) {
    sel4::log::error("lwIP assertion failed: {} ({}:{})", std::string_view(message), std::string_view(file), line);
    sel4_runtime::fatal("lwIP assertion failed: ", message);
}

// Only LWIP_DEBUG builds call this, with printf formats: there is no printf beneath a minimal
// PD, so the format itself is the line.
extern "C" void sel4_lwip_platform_diag(const char *format, ...) {
    std::string_view text(format);
    while (!text.empty() && text.back() == '\n')
        text.remove_suffix(1);
    sel4::log::debug("lwIP: {}", text);
}

namespace sel4::lwip::detail {

void log_bad_descriptor(const char *queue, const char *why, std::uint64_t offset, std::uint16_t len,
                        std::uint64_t count) noexcept {
    sel4::log::error("lwip: refused a descriptor from {}: {} (offset {:#x}, len {}; {} so far)",
                     std::string_view(queue), std::string_view(why), offset, len, count);
}

void log_oversize(std::uint32_t bytes, std::uint64_t count) noexcept {
    sel4::log::warn("lwip: dropped a {}-byte frame: larger than a tx buffer ({} so far)", bytes, count);
}

} // namespace sel4::lwip::detail
