// Compiled by CMakeLists.txt at several SEL4_LOG_MIN_LEVELs and optimisation levels, for
// log.compile-time-minimum (check_min_level.cmake): a debug call whose format string must be
// in the object file only when debug is compiled in, and an error call whose format must
// always be there (the search's own check).
#include <sel4/log.hpp>

int log_probe(int value) {
    sel4::log::debug("probe-debug-format-marker {}", value);
    sel4::log::error("probe-error-format-marker {}", value);
    return value + 1;
}
