// A translation unit built with SEL4_LOG_MIN_LEVEL=SEL4_LOG_LEVEL_WARN (CMakeLists.txt),
// linked with units built with the default: its calls below warn are compiled out, the
// others' are not.
#include <sel4/log.hpp>

static_assert(SEL4_LOG_MIN_LEVEL == SEL4_LOG_LEVEL_WARN);

void log_from_warn_unit(int value) {
    sel4::log::error("warn unit: error {}", value);
    sel4::log::warn("warn unit: warn {}", value);
    sel4::log::info("warn unit: info {}", value);
    sel4::log::debug("warn unit: debug {}", value);
    sel4::log::trace("warn unit: trace {}", value);
}
