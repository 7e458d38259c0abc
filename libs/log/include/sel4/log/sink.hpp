/// @file
/// Where the log's lines go (a Sink: the debug console by default), the run-time level and
/// the name that prefixes every line.
#pragma once

#include <sel4/log/level.hpp>

#include <cstddef>
#include <string_view>

namespace sel4::log {

/// A destination for lines: a function and its context. It gets each line whole, without a
/// line terminator (it adds its device's own), one at a time: the log holds its line lock
/// while it calls `write`, so lines never interleave within a program. It must not log.
/// A null `write` discards the lines.
struct Sink {
    /// Writes `line`, of `level`.
    void (*write)(void *context, Level level, std::string_view line) noexcept = nullptr;
    /// What `write` gets as its first argument.
    void *context = nullptr;
};

/// The kernel's debug console (seL4_DebugPutChar, the line then a newline): the default sink.
Sink console_sink() noexcept;

/// Makes `sink` the destination of every line from now on (a serial driver's, for example);
/// returns the one before.
Sink set_sink(Sink sink) noexcept;

/// The most verbose level that is written at run time (of those compiled in; see
/// SEL4_LOG_MIN_LEVEL): lines of less severe levels are not formatted. Default: info.
void set_level(Level level) noexcept;
/// The run-time level.
Level level() noexcept;

/// The longest name kept; a longer one is cut (Microkit's limit for a PD's name).
inline constexpr std::size_t max_name_length = 64;

/// Sets the name in front of every line (`name|INFO: message`); an empty name leaves the
/// prefix out (`INFO: message`). The characters are copied (at most max_name_length).
void set_name(std::string_view name) noexcept;
/// The name in front of the lines: the last set_name(), or default_name() before it.
std::string_view name() noexcept;
/// The name before any set_name(): empty, unless the program's runtime defines it. The
/// Microkit PD runtime (libs/microkit/cpp) does, as the PD's name (sel4::microkit::pd_name()),
/// so a PD's lines carry its name without the PD doing anything. (A weak definition in the
/// log library, which a runtime's own definition replaces.)
std::string_view default_name() noexcept;

/// The longest line, prefix included; a longer one is cut and ends with truncation_marker.
inline constexpr std::size_t max_line_length = 256;
/// The end of a line that was cut to max_line_length.
inline constexpr std::string_view truncation_marker = "[truncated]";

} // namespace sel4::log
