/// @file
/// sel4::log: leveled log lines with no heap, formatted by sel4::fmt (sel4/format.hpp).
///
/// ```cpp
/// sel4::log::info("client {} sent {} bytes at {:#x}", id, length, address);
/// // on the debug console:  server|INFO: client 3 sent 512 bytes at 0x10000
/// ```
///
/// - Levels error, warn, info, debug, trace. A call of a level below the compile-time
///   minimum SEL4_LOG_MIN_LEVEL (sel4/log/level.hpp) costs nothing: its format string is not
///   in the binary, its arguments are not formatted. Above it, the run-time level
///   (set_level(), default info) decides, with one load and compare before any formatting.
/// - Each line is `name|LEVEL: message`. The name is the PD's in a Microkit PD (nothing to
///   do), set_name()'s elsewhere (empty by default: `LEVEL: message`).
/// - A line is formatted into one buffer of max_line_length characters; a longer one is cut
///   and ends with truncation_marker.
/// - Lines go to a Sink (sel4/log/sink.hpp): the kernel's debug console unless set_sink()
///   names another, such as a serial driver's. A line lock (a mutex that yields while it is
///   held, so it needs no kernel object) makes each line whole: lines of one program never
///   interleave. Threads that log must have the same priority or run on different cores
///   (the lock yields to its holder).
///
/// The format (sel4::fmt): `{}` (decimal), `{:x}`/`{:#x}` (hex), `{:b}`/`{:#b}`, `{:c}`,
/// `{{`/`}}`; arguments: integers, enums, bool, char, `const char *`, std::string_view,
/// pointers.
///
/// Why sel4::fmt and not {fmt} (Debian's libfmt-dev 9.1.0, header-only): measured on aarch64
/// (-O2, --gc-sections, a root task on sel4-root-task-no-exceptions, text + rodata added to
/// the same program without logging), a first call of `"client {} sent {} bytes at {:#x}"`
/// adds 2.5 KB with sel4::log, 508 KB with {fmt} (121 KB with its locale and floating point
/// configured out), and ten typical calls 6.3 KB, 509 KB and 124 KB. {fmt} also compiles
/// -ffreestanding but needs operator new, std::runtime_error and the C library's stdio at
/// the link, which sel4-microkit-pd-minimal and sel4-root-task-minimal do not have;
/// sel4::log links with them.
#pragma once

#include <sel4/format.hpp>
#include <sel4/log/level.hpp>
#include <sel4/log/line.hpp>
#include <sel4/log/sink.hpp>

#include <string_view>
#include <type_traits>

namespace sel4::log {

namespace detail {

/// The format of a call whose level is compiled out: made from a string literal at compile
/// time (consteval), which it does not keep, so the literal never reaches the object file.
/// It also takes anything a std::string_view can be made from, so that a call compiles the
/// same at every minimum level.
struct DiscardedFormat {
    /// Discards the literal `format`.
    template <std::size_t N> consteval DiscardedFormat(const char (&)[N]) noexcept {}
    /// Discards a run-time format.
    template <class T>
        requires(std::is_convertible_v<const T &, std::string_view> && !std::is_array_v<T>)
    constexpr DiscardedFormat(const T &) noexcept {}
};

/// Formats and writes one line (out of line: the calls stay small).
template <class... Args> [[gnu::noinline]] void write(Level level, std::string_view format, const Args &...args) noexcept {
    LineWriter &line = begin_line(level);
    fmt::format_to(line, format, args...);
    end_line();
}

} // namespace detail

namespace detail {

// The calls depend on SEL4_LOG_MIN_LEVEL, which may differ between translation units: it is
// a template argument of everything that depends on it, so that each value has definitions
// of its own (one unit's never replace another's at the link).

/// The format parameter of a call of `level`: a std::string_view, or DiscardedFormat when
/// the level is compiled out.
template <int min_level, Level level>
using FormatOf = std::conditional_t<compiled_in<min_level>(level), std::string_view, DiscardedFormat>;

/// A call of `level`.
template <int min_level, Level level, class... Args>
[[gnu::always_inline]] inline void log(FormatOf<min_level, level> format, const Args &...args) noexcept {
    if constexpr (compiled_in<min_level>(level)) {
        if (written(level))
            write(level, format, args...);
    } else {
        (void)format;
        ((void)args, ...);
    }
}

} // namespace detail

/// Writes an error line (`name|ERROR: ...`): `format` with its fields replaced by `args`.
template <class... Args>
[[gnu::always_inline]] inline void error(detail::FormatOf<SEL4_LOG_MIN_LEVEL, Level::error> format,
                                         const Args &...args) noexcept {
    detail::log<SEL4_LOG_MIN_LEVEL, Level::error>(format, args...);
}
/// Writes a warning line (`name|WARN: ...`).
template <class... Args>
[[gnu::always_inline]] inline void warn(detail::FormatOf<SEL4_LOG_MIN_LEVEL, Level::warn> format,
                                        const Args &...args) noexcept {
    detail::log<SEL4_LOG_MIN_LEVEL, Level::warn>(format, args...);
}
/// Writes an information line (`name|INFO: ...`).
template <class... Args>
[[gnu::always_inline]] inline void info(detail::FormatOf<SEL4_LOG_MIN_LEVEL, Level::info> format,
                                        const Args &...args) noexcept {
    detail::log<SEL4_LOG_MIN_LEVEL, Level::info>(format, args...);
}
/// Writes a debugging line (`name|DEBUG: ...`).
template <class... Args>
[[gnu::always_inline]] inline void debug(detail::FormatOf<SEL4_LOG_MIN_LEVEL, Level::debug> format,
                                         const Args &...args) noexcept {
    detail::log<SEL4_LOG_MIN_LEVEL, Level::debug>(format, args...);
}
/// Writes a trace line (`name|TRACE: ...`).
template <class... Args>
[[gnu::always_inline]] inline void trace(detail::FormatOf<SEL4_LOG_MIN_LEVEL, Level::trace> format,
                                         const Args &...args) noexcept {
    detail::log<SEL4_LOG_MIN_LEVEL, Level::trace>(format, args...);
}

} // namespace sel4::log
