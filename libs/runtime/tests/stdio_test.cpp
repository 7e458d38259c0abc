// The console stdio functions through a capturing console hook.
#include <gtest/gtest.h>

#include <sel4/runtime/libc.hpp>

#include <cstdarg>
#include <string>
#include <vector>

#include "../src/c_library.hpp"

namespace {

std::string captured;
std::vector<std::size_t> writes; // the size of each console write

void capture(const char *data, std::size_t size) {
    captured.append(data, size);
    writes.push_back(size);
}

class Stdio : public ::testing::Test {
protected:
    void SetUp() override {
        captured.clear();
        writes.clear();
        sel4_runtime::set_console(capture);
    }
    void TearDown() override { sel4_runtime::set_console(nullptr); }
};

TEST_F(Stdio, CharacterAndStringOutput) {
    EXPECT_EQ(cpp_sel4_fputc('a', cpp_sel4_stderr), 'a');
    EXPECT_EQ(cpp_sel4_fputc(0x1e9, cpp_sel4_stdout), 0xe9); // converted to unsigned char
    EXPECT_EQ(cpp_sel4_putc('b', cpp_sel4_stdout), 'b');
    EXPECT_EQ(cpp_sel4_putchar('c'), 'c');
    EXPECT_GE(cpp_sel4_fputs("terminate called", cpp_sel4_stderr), 0);
    EXPECT_GE(cpp_sel4_puts("line"), 0);
    EXPECT_EQ(captured, "a\xe9" "bcterminate calledline\n");
}

TEST_F(Stdio, FwriteWritesSizeTimesCountAndReturnsCount) {
    EXPECT_EQ(cpp_sel4_fwrite("abcdefgh", 2, 3, cpp_sel4_stderr), 3u);
    EXPECT_EQ(cpp_sel4_fwrite("xyz", 0, 3, cpp_sel4_stderr), 0u);
    EXPECT_EQ(cpp_sel4_fwrite("xyz", 3, 0, cpp_sel4_stderr), 0u);
    EXPECT_EQ(captured, "abcdef");
    EXPECT_EQ(cpp_sel4_fflush(cpp_sel4_stderr), 0);
    EXPECT_EQ(cpp_sel4_fflush(nullptr), 0);
}

TEST_F(Stdio, PrintfFamilyFormatsToTheConsole) {
    EXPECT_EQ(cpp_sel4_printf("%s %d %.2f\n", "value", 42, 2.5), 14);
    EXPECT_EQ(cpp_sel4_fprintf(cpp_sel4_stderr, "[%5x]", 0xbeefu), 7);
    auto via_v = [](const char *f, ...) {
        va_list args;
        va_start(args, f);
        const int r = cpp_sel4_vprintf(f, args);
        va_end(args);
        return r;
    };
    EXPECT_EQ(via_v("%c%c", 'o', 'k'), 2);
    EXPECT_EQ(captured, "value 42 2.50\n[ beef]ok");
}

TEST_F(Stdio, LongPrintfOutputArrivesWholeInChunks) {
    std::string expected;
    for (int i = 0; i < 100; ++i)
        expected += "0123456789";
    EXPECT_EQ(cpp_sel4_printf("%s|%0500d", expected.c_str(), 7), 1501);
    EXPECT_EQ(captured, expected + "|" + std::string(499, '0') + "7");
    EXPECT_GT(writes.size(), 1u);
    for (std::size_t w : writes)
        EXPECT_LE(w, 128u);
}

TEST_F(Stdio, NoConsoleDiscardsOutput) {
    sel4_runtime::set_console(nullptr);
    EXPECT_EQ(cpp_sel4_printf("%d", 12345), 5);
    EXPECT_GE(cpp_sel4_fputs("dropped", cpp_sel4_stderr), 0);
    EXPECT_TRUE(captured.empty());
}

} // namespace
