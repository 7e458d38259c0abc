// sel4::log on the host with a capturing sink: levels (run time and compile time), the name
// prefix, cut lines, the formatting of each argument type, the default console sink, and
// whole lines from concurrent threads.
#include <sel4/log.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "host_console.hpp"

void log_from_warn_unit(int value); // min_level_warn.cpp

namespace {

namespace log = sel4::log;

struct Captured {
    log::Level level;
    std::string line;
};

// Installs a sink that keeps every line, and restores the state after the test.
class Log : public ::testing::Test {
protected:
    void SetUp() override {
        before_ = log::set_sink({&Log::capture, this});
        log::set_level(log::Level::trace);
        log::set_name("");
    }
    void TearDown() override {
        log::set_sink(before_);
        log::set_level(log::Level::info);
        log::set_name("");
    }
    static void capture(void *context, log::Level level, std::string_view line) noexcept {
        static_cast<Log *>(context)->lines.push_back({level, std::string(line)});
    }
    std::string only_line() {
        EXPECT_EQ(lines.size(), 1u);
        return lines.empty() ? std::string() : lines.back().line;
    }
    std::vector<Captured> lines;

private:
    log::Sink before_;
};

TEST_F(Log, EachLevelHasItsNameInTheLine) {
    log::error("e {}", 1);
    log::warn("w {}", 2);
    log::info("i {}", 3);
    log::debug("d {}", 4);
    log::trace("t {}", 5);
    ASSERT_EQ(lines.size(), 5u);
    EXPECT_EQ(lines[0].line, "ERROR: e 1");
    EXPECT_EQ(lines[1].line, "WARN: w 2");
    EXPECT_EQ(lines[2].line, "INFO: i 3");
    EXPECT_EQ(lines[3].line, "DEBUG: d 4");
    EXPECT_EQ(lines[4].line, "TRACE: t 5");
    EXPECT_EQ(lines[0].level, log::Level::error);
    EXPECT_EQ(lines[4].level, log::Level::trace);
}

TEST_F(Log, TheRunTimeLevelFiltersLessSevereLines) {
    log::set_level(log::Level::warn);
    EXPECT_EQ(log::level(), log::Level::warn);
    log::error("kept");
    log::warn("kept");
    log::info("dropped");
    log::debug("dropped");
    log::trace("dropped");
    ASSERT_EQ(lines.size(), 2u);
    log::set_level(log::Level::off);
    log::error("dropped too");
    EXPECT_EQ(lines.size(), 2u);
    log::set_level(log::Level::info);
    log::info("kept");
    log::debug("dropped");
    EXPECT_EQ(lines.size(), 3u);
}

TEST_F(Log, TheCompileTimeMinimumRemovesCallsWhateverTheRunTimeLevel) {
    log::set_level(log::Level::trace);
    log_from_warn_unit(7);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].line, "ERROR: warn unit: error 7");
    EXPECT_EQ(lines[1].line, "WARN: warn unit: warn 7");
    // This unit's own calls are compiled in at every level (the default minimum is trace).
    static_assert(log::compiled_in(log::Level::trace) && !log::compiled_in(log::Level::off));
    static_assert(!log::compiled_in<SEL4_LOG_LEVEL_WARN>(log::Level::info));
    log::trace("here");
    EXPECT_EQ(lines.size(), 3u);
}

TEST_F(Log, TheNamePrefixesEveryLine) {
    EXPECT_EQ(log::default_name(), ""); // the weak default: no runtime defines it here
    log::set_name("server");
    EXPECT_EQ(log::name(), "server");
    log::info("ready");
    log::error("failed: {}", -5);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].line, "server|INFO: ready");
    EXPECT_EQ(lines[1].line, "server|ERROR: failed: -5");
    log::set_name("");
    log::info("anonymous");
    EXPECT_EQ(lines[2].line, "INFO: anonymous");
}

TEST_F(Log, ALongNameIsCutAtTheMaximum) {
    const std::string long_name(100, 'n');
    log::set_name(long_name);
    EXPECT_EQ(log::name(), std::string(log::max_name_length, 'n'));
    log::info("x");
    EXPECT_EQ(only_line(), std::string(log::max_name_length, 'n') + "|INFO: x");
}

TEST_F(Log, ALineThatFitsIsWholeAndALongerOneEndsWithTheMarker) {
    log::set_name("pd");
    const std::string prefix = "pd|INFO: ";
    const std::string fits(log::max_line_length - prefix.size(), 'a');
    log::info("{}", std::string_view(fits));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].line, prefix + fits);
    EXPECT_EQ(lines[0].line.size(), log::max_line_length);

    const std::string one_more = fits + "b";
    log::info("{}", std::string_view(one_more));
    ASSERT_EQ(lines.size(), 2u);
    const std::string &cut = lines[1].line;
    EXPECT_EQ(cut.size(), log::max_line_length);
    EXPECT_TRUE(cut.ends_with(log::truncation_marker)) << cut;
    EXPECT_EQ(cut.substr(0, cut.size() - log::truncation_marker.size()),
              (prefix + fits).substr(0, log::max_line_length - log::truncation_marker.size()));

    const std::string much_longer(4 * log::max_line_length, 'c');
    log::warn("start {} end", std::string_view(much_longer));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[2].line.size(), log::max_line_length);
    EXPECT_TRUE(lines[2].line.ends_with(log::truncation_marker));
    EXPECT_TRUE(lines[2].line.starts_with("pd|WARN: start ccc"));
    // The next line starts afresh.
    log::info("short");
    EXPECT_EQ(lines[3].line, "pd|INFO: short");
}

enum class Colour : std::uint8_t { red = 1, green = 2 };
enum Plain { plain_zero, plain_one };

TEST_F(Log, FormatsEveryArgumentType) {
    const char *c_string = "text";
    const std::string_view view = "view";
    int value = 0;
    const void *pointer = reinterpret_cast<const void *>(std::uintptr_t{0x1234});
    log::info("{} {} {} {}", -42, 42u, INT64_MIN, UINT64_MAX);
    log::info("{:x} {:#x} {:b} {:#b}", 255, 255, 5, 5);
    log::info("{} {} {:c} {}", 'z', true, 65, false);
    log::info("{} {} {}", c_string, view, "literal");
    log::info("{} {} {:x}", Colour::green, plain_one, Colour::red);
    log::info("{}", pointer);
    log::info("{{}} {} {}", std::int8_t{-8}, std::uint16_t{65535});
    log::info("{} and {}", 1); // a field with no argument
    log::info("no fields", 1, 2);
    (void)value;
    ASSERT_EQ(lines.size(), 9u);
    EXPECT_EQ(lines[0].line, "INFO: -42 42 -9223372036854775808 18446744073709551615");
    EXPECT_EQ(lines[1].line, "INFO: ff 0xff 101 0b101");
    EXPECT_EQ(lines[2].line, "INFO: z true A false");
    EXPECT_EQ(lines[3].line, "INFO: text view literal");
    EXPECT_EQ(lines[4].line, "INFO: 2 1 1");
    EXPECT_EQ(lines[5].line, "INFO: 0x1234");
    EXPECT_EQ(lines[6].line, "INFO: {} -8 65535");
    EXPECT_EQ(lines[7].line, "INFO: 1 and {?}");
    EXPECT_EQ(lines[8].line, "INFO: no fields");
}

TEST_F(Log, ANullSinkDiscards) {
    log::set_sink({});
    log::error("gone");
    log::set_sink({&Log::capture, this});
    log::error("here");
    EXPECT_EQ(only_line(), "ERROR: here");
}

TEST_F(Log, TheDefaultSinkIsTheConsole) {
    log::set_sink(log::console_sink());
    host_console.clear();
    log::set_name("console");
    log::warn("to the console {}", 1);
    log::info("and again");
    EXPECT_EQ(host_console, "console|WARN: to the console 1\nconsole|INFO: and again\n");
    EXPECT_TRUE(lines.empty());
}

TEST_F(Log, LinesFromConcurrentThreadsAreWhole) {
    constexpr int threads = 4, per_thread = 2000;
    log::set_name("pd");
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([t] {
            for (int i = 0; i < per_thread; ++i)
                log::info("thread {} line {} {}", t, i, "abcdefghijklmnopqrstuvwxyz");
        });
    for (auto &worker : workers)
        worker.join();
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(threads * per_thread));
    std::vector<int> next(threads, 0);
    for (const Captured &captured : lines) {
        int t = -1, i = -1;
        char tail[32] = {};
        ASSERT_EQ(std::sscanf(captured.line.c_str(), "pd|INFO: thread %d line %d %31s", &t, &i, tail), 3)
            << captured.line;
        ASSERT_TRUE(t >= 0 && t < threads) << captured.line;
        EXPECT_EQ(i, next[t]++) << captured.line; // each thread's lines in its order
        EXPECT_STREQ(tail, "abcdefghijklmnopqrstuvwxyz") << captured.line;
        EXPECT_EQ(captured.line, "pd|INFO: thread " + std::to_string(t) + " line " + std::to_string(i) +
                                     " abcdefghijklmnopqrstuvwxyz");
    }
}

} // namespace
