#include <sel4/backtrace/format.hpp>

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace bt = sel4::backtrace;

namespace {

struct Expected {
    bt::FrameKind kind;
    std::uint64_t address;
};

std::string format_block(const std::string &program, const std::vector<Expected> &frames) {
    std::string text;
    auto put = [&](char c) { text += c; };
    bt::Writer writer(put, program.c_str());
    for (const Expected &frame : frames) writer.frame(frame.kind, frame.address);
    writer.end();
    return text;
}

std::vector<Expected> random_frames(std::mt19937_64 &random) {
    std::vector<Expected> frames(random() % 40);
    for (Expected &frame : frames) {
        frame.kind = random() % 4 == 0 ? bt::FrameKind::pc : bt::FrameKind::return_address;
        switch (random() % 3) {
        case 0: frame.address = random(); break;
        case 1: frame.address = random() % 0x1000000; break;
        default: frame.address = random() % 2 == 0 ? 0 : ~std::uint64_t{0}; break;
        }
    }
    return frames;
}

void expect_frames(const bt::Block &block, const std::vector<Expected> &frames) {
    ASSERT_EQ(block.frames.size(), frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(block.frames[i].index, i);
        EXPECT_EQ(block.frames[i].kind, frames[i].kind);
        EXPECT_EQ(block.frames[i].address, frames[i].address);
    }
}

std::string lines(const std::vector<std::string> &list) {
    std::string text;
    for (const std::string &line : list) text += line + "\n";
    return text;
}

const std::string marker = bt::line_marker;

}  // namespace

TEST(Format, ExactLines) {
    EXPECT_EQ(format_block("root-task", {{bt::FrameKind::pc, 0x401234}, {bt::FrameKind::return_address, 0}}),
              "cpp-sel4: backtrace: begin root-task\n"
              "cpp-sel4: backtrace: #0 pc 0x401234\n"
              "cpp-sel4: backtrace: #1 ra 0x0\n"
              "cpp-sel4: backtrace: end 2\n");
    EXPECT_EQ(format_block("", {{bt::FrameKind::return_address, ~std::uint64_t{0}}}),
              "cpp-sel4: backtrace: begin -\n"
              "cpp-sel4: backtrace: #0 ra 0xffffffffffffffff\n"
              "cpp-sel4: backtrace: end 1\n");
}

TEST(Format, ProgramNameIsOneCleanTokenOfBoundedLength) {
    std::string text;
    auto put = [&](char c) { text += c; };
    bt::write_begin(put, "my task\t\x01\x7f\xc3\xa9");
    EXPECT_EQ(text, "cpp-sel4: backtrace: begin my_task_____\n");
    text.clear();
    bt::write_begin(put, nullptr);
    EXPECT_EQ(text, "cpp-sel4: backtrace: begin -\n");
    text.clear();
    std::string long_name(100, 'n');
    bt::write_begin(put, long_name.c_str());
    EXPECT_EQ(text, "cpp-sel4: backtrace: begin " + std::string(bt::max_program_length, 'n') + "\n");
    bt::ParsedLog parsed = bt::parse_log(text + marker + "end 0\n");
    ASSERT_EQ(parsed.blocks.size(), 1u);
    EXPECT_TRUE(parsed.blocks[0].complete());
}

TEST(Format, RoundTripOfRandomBlocks) {
    std::mt19937_64 random(4);
    for (int round = 0; round < 500; ++round) {
        std::vector<std::vector<Expected>> blocks(1 + random() % 3);
        std::string log;
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            blocks[i] = random_frames(random);
            log += format_block("program-" + std::to_string(i), blocks[i]);
        }
        bt::ParsedLog parsed = bt::parse_log(log);
        ASSERT_EQ(parsed.blocks.size(), blocks.size());
        EXPECT_TRUE(parsed.stray.empty());
        for (std::size_t i = 0; i < blocks.size(); ++i) {
            EXPECT_TRUE(parsed.blocks[i].complete());
            EXPECT_EQ(parsed.blocks[i].program, "program-" + std::to_string(i));
            expect_frames(parsed.blocks[i], blocks[i]);
        }
    }
}

TEST(Format, BlocksAmidNoiseAndCrlf) {
    std::mt19937_64 random(5);
    const std::vector<std::string> noise = {
        "Booting all finished, dropped to user space",
        "<<seL4(CPU 0) [decodeInvocation/530 T0xffffff801fe08400 \"rootserver\" @401000]: Attempted to invoke a null cap #0.>>",
        "cpp-sel4 backtrace: not quite the marker",
        "",
        "\x1b[0m",
        "ELF-loading userland images from boot modules:",
    };
    for (int round = 0; round < 200; ++round) {
        std::vector<Expected> frames = random_frames(random);
        std::string block = format_block("noisy", frames);
        std::string log;
        std::size_t start = 0;
        while (start < block.size()) {
            std::size_t end = block.find('\n', start);
            std::string line = block.substr(start, end - start);
            start = end + 1;
            while (random() % 3 == 0) log += noise[random() % noise.size()] + "\r\n";
            // Prefixes before the marker, as a console multiplexer adds them.
            if (random() % 4 == 0) line = "[pd " + std::to_string(random() % 10) + "] " + line;
            log += line + (random() % 2 == 0 ? "\r\n" : random() % 2 == 0 ? "\r\r\n" : "\n");
        }
        bt::ParsedLog parsed = bt::parse_log(log);
        ASSERT_EQ(parsed.blocks.size(), 1u);
        EXPECT_TRUE(parsed.blocks[0].complete()) << log;
        EXPECT_TRUE(parsed.stray.empty());
        expect_frames(parsed.blocks[0], frames);
    }
}

TEST(Format, LineNumbersOfBlocksAndFrames) {
    bt::ParsedLog parsed = bt::parse_log(lines({"hello", marker + "begin p", "noise", marker + "#0 ra 0x10",
                                                marker + "end 1", "bye"}));
    ASSERT_EQ(parsed.blocks.size(), 1u);
    EXPECT_EQ(parsed.blocks[0].first_line, 2u);
    EXPECT_EQ(parsed.blocks[0].last_line, 5u);
    ASSERT_EQ(parsed.blocks[0].frames.size(), 1u);
    EXPECT_EQ(parsed.blocks[0].frames[0].line, 4u);
}

TEST(Format, TruncatedAtTheEndOfTheLog) {
    bt::ParsedLog parsed = bt::parse_log(lines({marker + "begin p", marker + "#0 ra 0x10", marker + "#1 ra 0x2"}) +
                                         marker + "#2 ra 0x3");  // no final newline
    ASSERT_EQ(parsed.blocks.size(), 1u);
    const bt::Block &block = parsed.blocks[0];
    EXPECT_FALSE(block.ended);
    EXPECT_FALSE(block.complete());
    EXPECT_EQ(block.frames.size(), 3u);
    ASSERT_EQ(block.problems.size(), 1u);
    EXPECT_EQ(block.problems[0].line, 4u);
    EXPECT_EQ(block.problems[0].message, "no end line (the log ends)");
}

TEST(Format, TruncatedByANewBlock) {
    bt::ParsedLog parsed = bt::parse_log(lines({marker + "begin first", marker + "#0 ra 0x10", marker + "begin second",
                                                marker + "#0 pc 0x20", marker + "end 1"}));
    ASSERT_EQ(parsed.blocks.size(), 2u);
    EXPECT_FALSE(parsed.blocks[0].complete());
    ASSERT_EQ(parsed.blocks[0].problems.size(), 1u);
    EXPECT_EQ(parsed.blocks[0].problems[0].message, "no end line (a new block begins at line 3)");
    EXPECT_TRUE(parsed.blocks[1].complete());
    EXPECT_EQ(parsed.blocks[1].program, "second");
}

TEST(Format, LostFrameLines) {
    bt::ParsedLog parsed = bt::parse_log(lines({marker + "begin p", marker + "#0 ra 0x10", marker + "#2 ra 0x30",
                                                marker + "end 3"}));
    ASSERT_EQ(parsed.blocks.size(), 1u);
    const bt::Block &block = parsed.blocks[0];
    EXPECT_TRUE(block.ended);
    EXPECT_FALSE(block.complete());
    ASSERT_EQ(block.problems.size(), 2u);
    EXPECT_EQ(block.problems[0].line, 3u);
    EXPECT_EQ(block.problems[0].message, "frame #2 where #1 was expected");
    EXPECT_EQ(block.problems[1].message, "the end line counts 3 frames but 2 were read");
    ASSERT_EQ(block.frames.size(), 2u);
    EXPECT_EQ(block.frames[1].index, 2u);

    parsed = bt::parse_log(lines({marker + "begin p", marker + "#0 ra 0x10", marker + "end 2"}));
    ASSERT_EQ(parsed.blocks[0].problems.size(), 1u);
    EXPECT_EQ(parsed.blocks[0].problems[0].message, "the end line counts 2 frames but 1 were read");
}

TEST(Format, MalformedLinesAreReportedWithTheirLine) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"#x ra 0x10", "malformed frame line '#x ra 0x10', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'"},
        {"#0 rb 0x10", "malformed frame line '#0 rb 0x10', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'"},
        {"#0 ra 10", "malformed frame line '#0 ra 10', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'"},
        {"#0 ra 0x", "malformed frame line '#0 ra 0x', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'"},
        {"#0 ra 0x10000000000000000", "malformed frame line '#0 ra 0x10000000000000000', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'"},
        {"#0 ra 0x1g", "malformed frame line '#0 ra 0x1g', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'"},
        {"#00 ra 0x1", "malformed frame line '#00 ra 0x1', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'"},
        {"#0 ra 0x1 extra", "malformed frame line '#0 ra 0x1 extra', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'"},
        {"#1234567890 ra 0x1", "malformed frame line '#1234567890 ra 0x1', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'"},
        {"end", "malformed end line 'end', expected 'end <count>'"},
        {"end -1", "malformed end line 'end -1', expected 'end <count>'"},
        {"begin", "malformed begin line 'begin', expected 'begin <program>'"},
        {"begin two words", "malformed begin line 'begin two words', expected 'begin <program>'"},
        {"frobnicate\x01", "unrecognised backtrace line 'frobnicate?'"},
        {"", "unrecognised backtrace line ''"},
    };
    for (const auto &[record, message] : cases) {
        bt::ParsedLog parsed = bt::parse_log(lines({marker + "begin p", marker + record, marker + "end 0"}));
        ASSERT_EQ(parsed.blocks.size(), 1u) << record;
        ASSERT_EQ(parsed.blocks[0].problems.size(), 1u) << record;
        EXPECT_EQ(parsed.blocks[0].problems[0].line, 2u);
        EXPECT_EQ(parsed.blocks[0].problems[0].message, message);
        EXPECT_TRUE(parsed.blocks[0].frames.empty());
    }
}

TEST(Format, FramesMayCarryTheDevicesSymbol) {
    std::string text;
    auto put = [&](char c) { text += c; };
    bt::Writer writer(put, "p");
    writer.frame(bt::FrameKind::return_address, 0x4010, "ns::f(int, char)", 0x10);
    writer.frame(bt::FrameKind::pc, 0x5000, "bad\x01name", 0);
    writer.frame(bt::FrameKind::return_address, 0x6000, "", 0x4);
    writer.frame(bt::FrameKind::return_address, 0x7000);
    writer.end();
    EXPECT_EQ(text, "cpp-sel4: backtrace: begin p\n"
                    "cpp-sel4: backtrace: #0 ra 0x4010 ns::f(int, char)+0x10\n"
                    "cpp-sel4: backtrace: #1 pc 0x5000 bad_name+0x0\n"
                    "cpp-sel4: backtrace: #2 ra 0x6000\n"
                    "cpp-sel4: backtrace: #3 ra 0x7000\n"
                    "cpp-sel4: backtrace: end 4\n");

    bt::ParsedLog parsed = bt::parse_log(text + marker + "begin q\n" + marker + "#0 pc 0x1 main+0x1 \t\r\n" + marker + "end 1\n");
    ASSERT_EQ(parsed.blocks.size(), 2u);
    ASSERT_TRUE(parsed.blocks[0].complete());
    ASSERT_EQ(parsed.blocks[0].frames.size(), 4u);
    EXPECT_EQ(parsed.blocks[0].frames[0].address, 0x4010u);
    EXPECT_EQ(parsed.blocks[0].frames[0].symbol, "ns::f(int, char)+0x10");
    EXPECT_EQ(parsed.blocks[0].frames[1].kind, bt::FrameKind::pc);
    EXPECT_EQ(parsed.blocks[0].frames[1].symbol, "bad_name+0x0");
    EXPECT_EQ(parsed.blocks[0].frames[2].symbol, "");
    EXPECT_EQ(parsed.blocks[0].frames[3].symbol, "");
    ASSERT_TRUE(parsed.blocks[1].complete());
    EXPECT_EQ(parsed.blocks[1].frames[0].symbol, "main+0x1");
}

TEST(Format, MalformedSymbolsAreReported) {
    for (const std::string record : {"#0 ra 0x1 f", "#0 ra 0x1 f+", "#0 ra 0x1 f+0x", "#0 ra 0x1 +0x10",
                                     "#0 ra 0x1 f+0x1g", "#0 ra 0x1 f+10", "#0 ra 0x1 f+0x1 more"}) {
        bt::ParsedLog parsed = bt::parse_log(lines({marker + "begin p", marker + record, marker + "end 0"}));
        ASSERT_EQ(parsed.blocks.size(), 1u) << record;
        ASSERT_EQ(parsed.blocks[0].problems.size(), 1u) << record;
        EXPECT_EQ(parsed.blocks[0].problems[0].message,
                  "malformed frame line '" + record + "', expected '#<n> pc|ra 0x<address>[ <symbol>+0x<offset>]'");
    }
}

TEST(Format, LinesOutsideABlockAreStray) {
    bt::ParsedLog parsed = bt::parse_log(lines({marker + "#0 ra 0x10", marker + "end 1", marker + "what"}));
    EXPECT_TRUE(parsed.blocks.empty());
    ASSERT_EQ(parsed.stray.size(), 3u);
    EXPECT_EQ(parsed.stray[0].message, "frame #0 outside a backtrace block");
    EXPECT_EQ(parsed.stray[1].message, "end line outside a backtrace block");
    EXPECT_EQ(parsed.stray[2].line, 3u);
}

TEST(Format, LongGarbageIsQuotedShortly) {
    bt::ParsedLog parsed = bt::parse_log(marker + std::string(1000, 'z'));
    ASSERT_EQ(parsed.stray.size(), 1u);
    EXPECT_EQ(parsed.stray[0].message, "unrecognised backtrace line '" + std::string(80, 'z') + "...'");
}

TEST(Format, FuzzedLogsNeverBreakTheParser) {
    std::mt19937_64 random(6);
    std::string base;
    for (int i = 0; i < 3; ++i) base += "noise line\r\n" + format_block("fuzz", random_frames(random));
    const std::string alphabet = "#0123456789abcdefx \t\r\n-:begindracpp-sel4";
    for (int round = 0; round < 5000; ++round) {
        std::string log = base;
        for (int mutations = 1 + static_cast<int>(random() % 8); mutations > 0 && !log.empty(); --mutations) {
            std::size_t at = random() % log.size();
            switch (random() % 6) {
            case 0: log[at] = static_cast<char>(random()); break;
            case 1: log.insert(at, 1, alphabet[random() % alphabet.size()]); break;
            case 2: log.erase(at, 1 + random() % 20); break;
            case 3: log.insert(at, log.substr(random() % log.size(), random() % 60)); break;
            case 4: log.resize(at); break;
            default: log.insert(at, marker); break;
            }
        }
        bt::ParsedLog parsed = bt::parse_log(log);
        for (const bt::Block &block : parsed.blocks) {
            EXPECT_LE(block.first_line, block.last_line);
            EXPECT_LE(block.program.size(), bt::max_program_length);
            EXPECT_EQ(block.complete(), block.ended && block.problems.empty());
            for (const bt::Frame &frame : block.frames) {
                EXPECT_GE(frame.line, block.first_line);
                EXPECT_LE(frame.line, block.last_line);
            }
        }
    }
}
