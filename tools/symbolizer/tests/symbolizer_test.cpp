#include "symbolizer.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace bt = sel4::backtrace;
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path &path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

void write_text(const fs::path &path, const std::string &text) { std::ofstream(path, std::ios::binary) << text; }

fs::path scratch_path() {
    const auto *test = testing::UnitTest::GetInstance()->current_test_info();
    return fs::path(testing::TempDir()) / (std::string("symbolizer-") + test->test_suite_name() + "-" + test->name());
}

// An empty scratch directory for the running test.
fs::path scratch() {
    fs::path dir = scratch_path();
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

struct Outcome {
    int status;
    std::string out;
    std::string err;
};

// Runs a shell command line, capturing its standard output and error.
Outcome run(const std::string &command) {
    fs::path dir = scratch_path().string() + "-run";
    fs::create_directories(dir);
    int raw = std::system((command + " >'" + (dir / "out").string() + "' 2>'" + (dir / "err").string() + "'").c_str());
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_text(dir / "out"), read_text(dir / "err")};
}

std::string quote(const std::string &text) { return "'" + text + "'"; }

// Line numbers of the "MARK:<name>" comments of the sample program's source.
std::map<std::string, unsigned> marks() {
    std::map<std::string, unsigned> found;
    std::istringstream source(read_text(SAMPLE_SOURCE));
    std::string line;
    for (unsigned number = 1; std::getline(source, line); ++number) {
        std::size_t at = line.find("// MARK:");
        if (at != std::string::npos) found[line.substr(at + 8)] = number;
    }
    return found;
}

std::string basename(const std::string &path) { return fs::path(path).filename(); }

void expect_place(const symbolizer::Location &place, const std::string &function, unsigned line) {
    EXPECT_EQ(place.function, function);
    EXPECT_EQ(basename(place.file), "sample_program.cpp");
    EXPECT_EQ(place.line, line) << function;
}

// The backtrace the sample program prints when run.
bt::Block sample_trace(const char *program) {
    Outcome sample = run(quote(program));
    EXPECT_EQ(sample.status, 0);
    bt::ParsedLog parsed = bt::parse_log(sample.out);
    EXPECT_EQ(parsed.blocks.size(), 1u) << sample.out;
    return parsed.blocks.empty() ? bt::Block{} : parsed.blocks[0];
}

}  // namespace

TEST(Symbolize, FunctionsFilesLinesAndInlinedFrames) {
    std::map<std::string, unsigned> line = marks();
    ASSERT_EQ(line.size(), 5u);
    bt::Block trace = sample_trace(SAMPLE_PROGRAM);
    ASSERT_TRUE(trace.complete());
    ASSERT_EQ(trace.frames.size(), 4u);
    EXPECT_EQ(trace.program, "symbolizer-sample");

    symbolizer::Program program(SAMPLE_PROGRAM);
    EXPECT_TRUE(program.has_dwarf());

    symbolizer::Symbolized entry = program.symbolize(trace.frames[0].address, trace.frames[0].kind);
    EXPECT_EQ(entry.lookup_address, trace.frames[0].address);
    EXPECT_EQ(entry.problem, "");
    ASSERT_EQ(entry.places.size(), 1u);
    expect_place(entry.places[0], "sample::capture()", line["capture"]);

    symbolizer::Symbolized inlined = program.symbolize(trace.frames[1].address, trace.frames[1].kind);
    EXPECT_EQ(inlined.lookup_address, trace.frames[1].address - 1);
    EXPECT_EQ(inlined.problem, "");
    ASSERT_EQ(inlined.places.size(), 2u);
    expect_place(inlined.places[0], "sample::helper()", line["helper-calls-capture"]);
    expect_place(inlined.places[1], "sample::middle()", line["middle-calls-helper"]);

    symbolizer::Symbolized in_top = program.symbolize(trace.frames[2].address, trace.frames[2].kind);
    ASSERT_EQ(in_top.places.size(), 1u);
    expect_place(in_top.places[0], "sample::top()", line["top-calls-middle"]);

    symbolizer::Symbolized in_main = program.symbolize(trace.frames[3].address, trace.frames[3].kind);
    ASSERT_EQ(in_main.places.size(), 1u);
    expect_place(in_main.places[0], "main", line["main-calls-top"]);
}

TEST(Symbolize, AddressesOutsideTheCode) {
    symbolizer::Program program(SAMPLE_PROGRAM);
    for (std::uint64_t address : {std::uint64_t{0}, std::uint64_t{0x10}, ~std::uint64_t{0}}) {
        for (bt::FrameKind kind : {bt::FrameKind::pc, bt::FrameKind::return_address}) {
            symbolizer::Symbolized result = program.symbolize(address, kind);
            EXPECT_TRUE(result.places.empty());
            EXPECT_EQ(result.problem, "address outside the code of symbolizer-sample");
        }
    }
    std::string text = symbolizer::render_frame({3, bt::FrameKind::pc, 0x10, 7}, program.symbolize(0x10, bt::FrameKind::pc), "");
    EXPECT_EQ(text, "#3 0x10 ?? (address outside the code of symbolizer-sample)\n");
}

TEST(Symbolize, WithoutDwarfNamesComeFromTheSymbolTable) {
    bt::Block trace = sample_trace(SAMPLE_PROGRAM_NODEBUG);
    ASSERT_EQ(trace.frames.size(), 4u);
    symbolizer::Program program(SAMPLE_PROGRAM_NODEBUG);
    EXPECT_FALSE(program.has_dwarf());
    symbolizer::Symbolized result = program.symbolize(trace.frames[2].address, trace.frames[2].kind);
    ASSERT_EQ(result.places.size(), 1u);
    EXPECT_EQ(result.places[0].function, "sample::top()");
    EXPECT_EQ(result.places[0].file, "");
    EXPECT_EQ(result.problem, "no DWARF debug info in symbolizer-sample-nodebug");
    EXPECT_EQ(symbolizer::render_frame(trace.frames[2], result, ""),
              "#2 " + (std::ostringstream() << "0x" << std::hex << trace.frames[2].address).str() +
                  " in sample::top() at ?? (no DWARF debug info in symbolizer-sample-nodebug)\n");
}

TEST(Symbolize, UnusableProgramFilesAreErrorsNamingThem) {
    fs::path dir = scratch();
    write_text(dir / "empty", "");
    write_text(dir / "text", "not an ELF\n");
    write_text(dir / "truncated", read_text(SAMPLE_PROGRAM).substr(0, 40));
    const std::vector<std::pair<std::string, std::string>> cases = {
        {(dir / "missing").string(), ": cannot open: No such file or directory"},
        {dir.string(), ": not a regular file"},
        {(dir / "empty").string(), ": not an ELF file"},
        {(dir / "text").string(), ": not an ELF file"},
        {SAMPLE_SOURCE, ": not an ELF file"},
        {(dir / "truncated").string(), ": "},
    };
    for (const auto &[path, message] : cases) {
        try {
            symbolizer::Program program(path);
            ADD_FAILURE() << path << " was accepted";
        } catch (const symbolizer::Error &error) {
            EXPECT_EQ(std::string(error.what()).substr(0, path.size() + message.size()), path + message);
        }
    }
}

TEST(Symbolize, DemanglesOnlyMangledNames) {
    EXPECT_EQ(symbolizer::demangle("_ZN6sample3topEv"), "sample::top()");
    EXPECT_EQ(symbolizer::demangle("main"), "main");
    EXPECT_EQ(symbolizer::demangle("_Z"), "_Z");
}

TEST(Tool, SymbolizesEveryBlockInAConsoleLog) {
    std::map<std::string, unsigned> line = marks();
    fs::path dir = scratch();
    std::string trace = run(quote(SAMPLE_PROGRAM)).out;
    std::string crlf;
    for (char c : trace) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    write_text(dir / "log", "Bootstrapping kernel\r\nroot task starts\r\n" + crlf + "more output\r\n" + trace);

    std::string source_dir = fs::path(SAMPLE_SOURCE).parent_path().string();
    Outcome result = run(std::string(SYMBOLIZE_TOOL) + " --elf " + quote(SAMPLE_PROGRAM) + " --source-root " +
                     quote(source_dir + "/") + " " + quote((dir / "log").string()));
    EXPECT_EQ(result.status, 0) << result.err;
    EXPECT_EQ(result.err, "");
    bt::Block block = bt::parse_log(trace).blocks.at(0);
    auto address = [&](std::size_t i) { return (std::ostringstream() << "0x" << std::hex << block.frames.at(i).address).str(); };
    std::string frames =
        "#0 " + address(0) + " in sample::capture() at sample_program.cpp:" + std::to_string(line["capture"]) + "\n" +
        "#1 " + address(1) + " in sample::helper() at sample_program.cpp:" + std::to_string(line["helper-calls-capture"]) + "\n" +
        "   inlined into sample::middle() at sample_program.cpp:" + std::to_string(line["middle-calls-helper"]) + "\n" +
        "#2 " + address(2) + " in sample::top() at sample_program.cpp:" + std::to_string(line["top-calls-middle"]) + "\n" +
        "#3 " + address(3) + " in main at sample_program.cpp:" + std::to_string(line["main-calls-top"]) + "\n";
    EXPECT_EQ(result.out, "backtrace of symbolizer-sample (log lines 3-8):\n" + frames +
                              "\nbacktrace of symbolizer-sample (log lines 10-15):\n" + frames);

    Outcome from_stdin = run(std::string(SYMBOLIZE_TOOL) + " --elf " + quote(SAMPLE_PROGRAM) + " --source-root " +
                         quote(source_dir) + " < " + quote((dir / "log").string()));
    EXPECT_EQ(from_stdin.status, 0);
    EXPECT_EQ(from_stdin.out, result.out);
}

TEST(Tool, IncompleteAndStrayLinesFailAfterPrintingWhatCouldBeRead) {
    fs::path dir = scratch();
    std::string trace = run(quote(SAMPLE_PROGRAM)).out;
    std::string marker = bt::line_marker;
    write_text(dir / "log", marker + "#7 ra 0x1\n" + trace.substr(0, trace.rfind(marker)) + marker + "#4 ra 0x10\n");
    Outcome result = run(std::string(SYMBOLIZE_TOOL) + " --elf " + quote(SAMPLE_PROGRAM) + " " + quote((dir / "log").string()));
    EXPECT_EQ(result.status, 1);
    EXPECT_NE(result.out.find("in sample::top() at "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("#4 0x10 ?? (address outside the code of symbolizer-sample)\n"
                              "incomplete: log line 7: no end line (the log ends)\n"),
              std::string::npos)
        << result.out;
    std::string log = (dir / "log").string();
    EXPECT_EQ(result.err, "sel4-symbolize: " + log + ":1: frame #7 outside a backtrace block\n" +
                              "sel4-symbolize: " + log + ":2: the backtrace beginning here is incomplete\n");
}

TEST(Tool, Errors) {
    fs::path dir = scratch();
    write_text(dir / "quiet.log", "nothing to see\n");
    std::string tool = SYMBOLIZE_TOOL;
    std::string log = quote((dir / "quiet.log").string());

    Outcome no_backtrace = run(tool + " --elf " + quote(SAMPLE_PROGRAM) + " " + log);
    EXPECT_EQ(no_backtrace.status, 1);
    EXPECT_EQ(no_backtrace.err, "sel4-symbolize: " + (dir / "quiet.log").string() + ": no backtrace found\n");

    Outcome no_elf = run(tool + " " + log);
    EXPECT_EQ(no_elf.status, 2);
    EXPECT_EQ(no_elf.err, "sel4-symbolize: error: --elf is required\nRun 'sel4-symbolize --help' for its usage.\n");

    Outcome missing_elf = run(tool + " --elf " + quote((dir / "nope").string()) + " " + log);
    EXPECT_EQ(missing_elf.status, 2);
    EXPECT_EQ(missing_elf.err, "sel4-symbolize: " + (dir / "nope").string() + ": cannot open: No such file or directory\n");

    Outcome not_elf = run(tool + " --elf " + log + " " + log);
    EXPECT_EQ(not_elf.status, 2);
    EXPECT_EQ(not_elf.err, "sel4-symbolize: " + (dir / "quiet.log").string() + ": not an ELF file\n");
    EXPECT_EQ(not_elf.out, "");

    Outcome missing_log = run(tool + " --elf " + quote(SAMPLE_PROGRAM) + " " + quote((dir / "nolog").string()));
    EXPECT_EQ(missing_log.status, 2);
    EXPECT_EQ(missing_log.err, "sel4-symbolize: " + (dir / "nolog").string() + ": cannot open the log\n");

    Outcome extra = run(tool + " --elf " + quote(SAMPLE_PROGRAM) + " " + log + " " + log);
    EXPECT_EQ(extra.status, 2);

    Outcome nodebug = run(quote(SAMPLE_PROGRAM_NODEBUG) + " | " + tool + " --elf " + quote(SAMPLE_PROGRAM_NODEBUG));
    EXPECT_EQ(nodebug.status, 0);
    EXPECT_NE(nodebug.err.find("has no DWARF debug info (build it with -g)"), std::string::npos) << nodebug.err;
    EXPECT_NE(nodebug.out.find(" in sample::top() at ?? (no DWARF debug info in symbolizer-sample-nodebug)\n"),
              std::string::npos)
        << nodebug.out;
}
