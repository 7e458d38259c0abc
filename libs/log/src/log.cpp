// The log's state (run-time level, name, sink), the line buffer and the line lock.
//
// One line buffer serves the whole program: the line lock is held from begin_line() to
// end_line(), so the buffer is used by one thread at a time, and a program that logs needs
// no stack for lines. The lock is libs/sync's mutex. A program with the root-task runtime's
// threads has their wait queue (sel4_runtime::futex_wait, defined when its threads are
// linked): a thread that finds the lock held blocks on its notification. Any other program
// (a PD, a component, a root task without threads) has no such thing and needs none for
// the log: its waiter yields (sel4::sync::YieldingParker).
#include <sel4/log.hpp>
#include <sel4/sync/mutex.hpp>

#include <climits>
#include <cstdint>

#include "platform.hpp"

// The runtime's wait queue (sel4/runtime/futex.hpp), referred to weakly: null unless linked.
namespace sel4_runtime {
[[gnu::weak]] int futex_wait(const std::uint32_t *word, std::uint32_t expected, const std::uint64_t *deadline_ns) noexcept;
[[gnu::weak]] int futex_wake(const std::uint32_t *word, int count) noexcept;
} // namespace sel4_runtime

namespace sel4::log {

namespace detail {

std::uint8_t threshold = static_cast<std::uint8_t>(Level::info);

// Reaches LineWriter's parts for the functions below.
class LineAccess {
public:
    static void clear(LineWriter &line) noexcept {
        line.length_ = 0;
        line.cut_ = false;
    }
    static std::string_view text(const LineWriter &line) noexcept { return {line.text_, line.length_}; }
    // Ends a cut line with the marker, in place of its last characters.
    static void mark_cut(LineWriter &line) noexcept {
        if (!line.cut_)
            return;
        const std::size_t at = max_line_length - truncation_marker.size();
        for (std::size_t i = 0; i < truncation_marker.size(); ++i)
            line.text_[at + i] = truncation_marker[i];
        line.length_ = max_line_length;
    }
};

} // namespace detail

namespace {

// The runtime's wait queue if the program has it, yielding otherwise.
struct LineParker {
    static void wait(const std::uint32_t *word, std::uint32_t expected) noexcept {
        if (sel4_runtime::futex_wait != nullptr)
            (void)sel4_runtime::futex_wait(word, expected, nullptr);
        else
            sync::YieldingParker<platform::yield>::wait(word, expected);
    }
    static void wake(const std::uint32_t *word, int count) noexcept {
        if (sel4_runtime::futex_wake != nullptr)
            (void)sel4_runtime::futex_wake(word, count);
    }
};
using LineLock = sync::BasicMutex<LineParker>;

constinit LineLock line_lock;
constinit detail::LineWriter line;
constinit Level line_level = Level::info;
constinit Sink sink{platform::console_write, nullptr};
constinit char name_text[max_name_length] = {};
constinit std::size_t name_length = 0;
constinit bool name_set = false;

// The name, under the line lock.
std::string_view current_name() noexcept {
    return name_set ? std::string_view(name_text, name_length) : default_name();
}

void put(detail::LineWriter &out, std::string_view text) noexcept {
    for (char c : text)
        out(c);
}

} // namespace

[[gnu::weak]] std::string_view default_name() noexcept { return {}; }

Sink console_sink() noexcept { return {platform::console_write, nullptr}; }

Sink set_sink(Sink next) noexcept {
    line_lock.lock();
    const Sink before = sink;
    sink = next;
    line_lock.unlock();
    return before;
}

void set_level(Level level) noexcept {
    __atomic_store_n(&detail::threshold, static_cast<std::uint8_t>(level), __ATOMIC_RELAXED);
}

Level level() noexcept { return static_cast<Level>(__atomic_load_n(&detail::threshold, __ATOMIC_RELAXED)); }

void set_name(std::string_view name) noexcept {
    line_lock.lock();
    name_length = name.size() < max_name_length ? name.size() : max_name_length;
    for (std::size_t i = 0; i < name_length; ++i)
        name_text[i] = name[i];
    name_set = true;
    line_lock.unlock();
}

std::string_view name() noexcept {
    // Copied out under the lock would need a buffer of the caller's; the characters change
    // only in set_name(), which a program calls before its threads log.
    line_lock.lock();
    const std::string_view result = current_name();
    line_lock.unlock();
    return result;
}

namespace detail {

LineWriter &begin_line(Level level) noexcept {
    line_lock.lock();
    LineAccess::clear(line);
    line_level = level;
    if (const std::string_view name = current_name(); !name.empty()) {
        put(line, name);
        line('|');
    }
    put(line, name_of(level));
    put(line, ": ");
    return line;
}

void end_line() noexcept {
    LineAccess::mark_cut(line);
    if (sink.write != nullptr)
        sink.write(sink.context, line_level, LineAccess::text(line));
    line_lock.unlock();
}

} // namespace detail

} // namespace sel4::log
