/// @file
/// The log's levels, and the compile-time minimum SEL4_LOG_MIN_LEVEL.
#pragma once

#include <cstdint>
#include <string_view>

/// The least severe level whose calls are compiled in: a call of a less severe level costs
/// nothing (no format string in the binary, no formatting, no call). One of the
/// SEL4_LOG_LEVEL_* values (or its number), set for the whole program (e.g.
/// `target_compile_definitions(pd PRIVATE SEL4_LOG_MIN_LEVEL=SEL4_LOG_LEVEL_INFO)`);
/// translation units with different values may be linked together. Default: trace (all).
#ifndef SEL4_LOG_MIN_LEVEL
#define SEL4_LOG_MIN_LEVEL SEL4_LOG_LEVEL_TRACE
#endif
/// SEL4_LOG_MIN_LEVEL for no calls at all.
#define SEL4_LOG_LEVEL_OFF 0
/// SEL4_LOG_MIN_LEVEL for errors only.
#define SEL4_LOG_LEVEL_ERROR 1
/// SEL4_LOG_MIN_LEVEL for warnings and errors.
#define SEL4_LOG_LEVEL_WARN 2
/// SEL4_LOG_MIN_LEVEL for information and above.
#define SEL4_LOG_LEVEL_INFO 3
/// SEL4_LOG_MIN_LEVEL for debugging output and above.
#define SEL4_LOG_LEVEL_DEBUG 4
/// SEL4_LOG_MIN_LEVEL for everything.
#define SEL4_LOG_LEVEL_TRACE 5

namespace sel4::log {

/// How severe a line is, most severe first (the numbers of the SEL4_LOG_LEVEL_* macros).
enum class Level : std::uint8_t {
    off = SEL4_LOG_LEVEL_OFF,     ///< As a threshold: nothing passes. No call has it.
    error = SEL4_LOG_LEVEL_ERROR, ///< Something failed.
    warn = SEL4_LOG_LEVEL_WARN,   ///< Something is wrong, but the program carries on.
    info = SEL4_LOG_LEVEL_INFO,   ///< What the program does, briefly.
    debug = SEL4_LOG_LEVEL_DEBUG, ///< Details for finding bugs.
    trace = SEL4_LOG_LEVEL_TRACE, ///< Every step.
};

/// The level's name in a line: "ERROR", "WARN", "INFO", "DEBUG", "TRACE" ("OFF" for off).
constexpr std::string_view name_of(Level level) noexcept {
    switch (level) {
    case Level::error: return "ERROR";
    case Level::warn: return "WARN";
    case Level::info: return "INFO";
    case Level::debug: return "DEBUG";
    case Level::trace: return "TRACE";
    case Level::off: break;
    }
    return "OFF";
}

/// Whether calls of `level` are compiled in (SEL4_LOG_MIN_LEVEL of the translation unit;
/// a template, so that units with different values each have their own).
template <int min_level = SEL4_LOG_MIN_LEVEL> constexpr bool compiled_in(Level level) noexcept {
    return level != Level::off && static_cast<int>(level) <= min_level;
}

} // namespace sel4::log
