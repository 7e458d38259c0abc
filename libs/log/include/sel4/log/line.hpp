/// @file
/// The line being written (sel4/log.hpp's calls): one buffer, under the log's line lock.
#pragma once

#include <sel4/log/level.hpp>
#include <sel4/log/sink.hpp>

#include <cstddef>
#include <cstdint>

namespace sel4::log::detail {

/// The line buffer: formatted into character by character (sel4::fmt's output), cut at
/// max_line_length.
class LineWriter {
public:
    /// Appends `c`, or notes that the line was cut.
    void operator()(char c) noexcept {
        if (length_ < max_line_length)
            text_[length_++] = c;
        else
            cut_ = true;
    }

private:
    friend class LineAccess;
    char text_[max_line_length] = {};
    std::size_t length_ = 0;
    bool cut_ = false;
};

/// Takes the line lock and starts the line with its prefix (`name|LEVEL: `); the caller
/// formats the message into it and ends it with end_line().
LineWriter &begin_line(Level level) noexcept;
/// Ends the line begun by begin_line(): marks a cut line, hands it to the sink, releases the
/// line lock.
void end_line() noexcept;

/// The run-time level (set_level()), as its number.
extern std::uint8_t threshold;

/// Whether lines of `level` are written at run time: one relaxed load of a byte.
inline bool written(Level level) noexcept {
    return static_cast<std::uint8_t>(level) <= __atomic_load_n(&threshold, __ATOMIC_RELAXED);
}

} // namespace sel4::log::detail
