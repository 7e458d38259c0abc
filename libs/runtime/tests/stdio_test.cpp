// The console stdio functions through a capturing console hook and a scripted console input;
// the reading functions side by side with glibc's on a memory stream of the same bytes.
#include <gtest/gtest.h>

#include <sel4/runtime/libc.hpp>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cwchar>
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

std::string input;                 // what the console input still has
std::size_t input_chunk = 1000;    // the most one read hands over

std::size_t type(char *data, std::size_t size) {
    const std::size_t n = std::min({size, input.size(), input_chunk});
    input.copy(data, n);
    input.erase(0, n);
    return n;
}

int &our_errno() { return *cpp_sel4___errno_location(); }

class Stdio : public ::testing::Test {
protected:
    void SetUp() override {
        captured.clear();
        writes.clear();
        sel4_runtime::set_console(capture);
        sel4_runtime::set_console_input(type);
        input_chunk = 1000;
        cpp_sel4_clearerr(cpp_sel4_stdin);
    }
    void TearDown() override {
        sel4_runtime::set_console(nullptr);
        sel4_runtime::set_console_input(nullptr);
        // ungetc's byte, if a test left one
        while (cpp_sel4_feof(cpp_sel4_stdin) == 0 && cpp_sel4_getc(cpp_sel4_stdin) != EOF) {
        }
    }
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

// The same calls on our stdin and on a glibc memory stream of the same bytes.
class Reader {
public:
    explicit Reader(const std::string &bytes) : bytes_(bytes) {
        input = bytes;
        glibc_ = fmemopen(bytes_.data(), bytes_.size(), "r");
    }
    ~Reader() { std::fclose(glibc_); }
    void getc() { EXPECT_EQ(cpp_sel4_getc(cpp_sel4_stdin), std::getc(glibc_)); same_state(); }
    void ungetc(int c) { EXPECT_EQ(cpp_sel4_ungetc(c, cpp_sel4_stdin), std::ungetc(c, glibc_)); same_state(); }
    void fread(std::size_t size, std::size_t count) {
        std::vector<char> ours(size * count + 1), theirs(size * count + 1);
        const std::size_t n = cpp_sel4_fread(ours.data(), size, count, cpp_sel4_stdin);
        EXPECT_EQ(n, std::fread(theirs.data(), size, count, glibc_));
        EXPECT_EQ(std::string(ours.data(), n * size), std::string(theirs.data(), n * size));
        same_state();
    }
    void same_state() {
        EXPECT_EQ(cpp_sel4_feof(cpp_sel4_stdin) != 0, std::feof(glibc_) != 0);
        EXPECT_EQ(cpp_sel4_ferror(cpp_sel4_stdin) != 0, std::ferror(glibc_) != 0);
    }

private:
    std::string bytes_;
    FILE *glibc_;
};

TEST_F(Stdio, StdinReadsTheConsoleInputAsGlibcReadsAStream) {
    Reader reader("ab\xe9z");
    reader.getc();
    reader.ungetc('x');
    reader.getc(); // the pushed-back byte
    reader.ungetc(EOF); // fails
    reader.getc();
    reader.getc(); // 0xe9, as unsigned char
    reader.ungetc('q');
    EXPECT_EQ(cpp_sel4_ungetc('r', cpp_sel4_stdin), EOF); // one byte of push-back, all C promises
    EXPECT_EQ(cpp_sel4_getc(cpp_sel4_stdin), 'q');
}

TEST_F(Stdio, EndOfInputStaysUntilCleared) {
    Reader reader("k");
    reader.getc();
    reader.getc(); // EOF
    reader.getc(); // still EOF
    reader.ungetc('m'); // clears the indicator
    reader.getc();
    reader.getc();
    cpp_sel4_clearerr(cpp_sel4_stdin);
    EXPECT_EQ(cpp_sel4_feof(cpp_sel4_stdin), 0);
    input = "new";
    EXPECT_EQ(cpp_sel4_getchar(), 'n'); // cleared: the console is asked again
}

TEST_F(Stdio, FreadGathersSeveralConsoleReads) {
    input_chunk = 3;
    Reader reader("0123456789abcdef");
    reader.fread(1, 2);
    reader.ungetc('Z');
    reader.fread(4, 3);
    reader.fread(5, 1);
    reader.fread(1, 10); // short: the end of the input
    reader.fread(1, 1);
    EXPECT_EQ(cpp_sel4_fread(nullptr, 0, 5, cpp_sel4_stdin), 0u);
}

TEST_F(Stdio, NoConsoleInputIsAnEmptyInput) {
    sel4_runtime::set_console_input(nullptr);
    EXPECT_EQ(cpp_sel4_getc(cpp_sel4_stdin), EOF);
    EXPECT_NE(cpp_sel4_feof(cpp_sel4_stdin), 0);
    EXPECT_EQ(cpp_sel4_ferror(cpp_sel4_stdin), 0);
}

TEST_F(Stdio, OutputStreamsCannotBeRead) {
    char byte;
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_getc(cpp_sel4_stdout), EOF);
    EXPECT_EQ(our_errno(), EBADF);
    EXPECT_NE(cpp_sel4_ferror(cpp_sel4_stdout), 0);
    EXPECT_EQ(cpp_sel4_fread(&byte, 1, 1, cpp_sel4_stderr), 0u);
    cpp_sel4_clearerr(cpp_sel4_stdout);
    cpp_sel4_clearerr(cpp_sel4_stderr);
    EXPECT_EQ(cpp_sel4_ferror(cpp_sel4_stdout), 0);
}

TEST_F(Stdio, WideCharactersOfTheCLocale) {
    input = "hi";
    EXPECT_EQ(cpp_sel4_getwc(cpp_sel4_stdin), static_cast<unsigned>(L'h'));
    EXPECT_EQ(cpp_sel4_ungetwc(L'j', cpp_sel4_stdin), static_cast<unsigned>(L'j'));
    EXPECT_EQ(cpp_sel4_fgetwc(cpp_sel4_stdin), static_cast<unsigned>(L'j'));
    EXPECT_EQ(cpp_sel4_fgetwc(cpp_sel4_stdin), static_cast<unsigned>(L'i'));
    EXPECT_EQ(cpp_sel4_fgetwc(cpp_sel4_stdin), WEOF);
    EXPECT_EQ(cpp_sel4_ungetwc(WEOF, cpp_sel4_stdin), WEOF);
    EXPECT_EQ(cpp_sel4_putwc(L'w', cpp_sel4_stdout), static_cast<unsigned>(L'w'));
    EXPECT_EQ(cpp_sel4_fputwc(L'!', cpp_sel4_stderr), static_cast<unsigned>(L'!'));
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_fputwc(L'\x20ac', cpp_sel4_stdout), WEOF); // not in the C locale (the euro sign)
    EXPECT_EQ(our_errno(), EILSEQ);
    EXPECT_NE(cpp_sel4_ferror(cpp_sel4_stdout), 0);
    cpp_sel4_clearerr(cpp_sel4_stdout);
    EXPECT_EQ(captured, "w!");
}

TEST_F(Stdio, StreamsOfTheConsoleDescriptors) {
    EXPECT_EQ(cpp_sel4_fileno(cpp_sel4_stdin), 0);
    EXPECT_EQ(cpp_sel4_fileno(cpp_sel4_stdout), 1);
    EXPECT_EQ(cpp_sel4_fileno(cpp_sel4_stderr), 2);
    EXPECT_EQ(cpp_sel4_fdopen(0, "r"), cpp_sel4_stdin);
    EXPECT_EQ(cpp_sel4_fdopen(1, "w"), cpp_sel4_stdout);
    EXPECT_EQ(cpp_sel4_fdopen(2, "a"), cpp_sel4_stderr);
    for (auto [descriptor, mode] : {std::pair{0, "w"}, {1, "r"}, {2, "r+"}, {1, "w+"}}) {
        our_errno() = 0;
        EXPECT_EQ(cpp_sel4_fdopen(descriptor, mode), nullptr) << descriptor << mode;
        EXPECT_EQ(our_errno(), EINVAL);
    }
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_fdopen(5, "w"), nullptr);
    EXPECT_EQ(our_errno(), EBADF);
    errno = 0;
    EXPECT_EQ(fdopen(987, "w"), nullptr); // glibc's error for a descriptor that is not open
    EXPECT_EQ(errno, EBADF);
    EXPECT_EQ(cpp_sel4_setvbuf(cpp_sel4_stdout, nullptr, _IOFBF, 4096), 0);
    EXPECT_EQ(cpp_sel4_setvbuf(cpp_sel4_stdout, nullptr, _IONBF, 0), 0);
    EXPECT_EQ(cpp_sel4_setvbuf(cpp_sel4_stdout, nullptr, 7, 0), EOF);
    EXPECT_EQ(cpp_sel4_fclose(cpp_sel4_stdout), 0);
    EXPECT_EQ(cpp_sel4_fputs("still open", cpp_sel4_stdout), 0);
    EXPECT_EQ(captured, "still open");
}

TEST_F(Stdio, NoFilesAndNoSeeking) {
    for (auto open : {cpp_sel4_fopen, cpp_sel4_fopen64}) {
        our_errno() = 0;
        EXPECT_EQ(open("/etc/passwd", "r"), nullptr);
        EXPECT_EQ(our_errno(), ENOSYS);
    }
    for (auto seek : {cpp_sel4_fseek, cpp_sel4_fseeko, cpp_sel4_fseeko64}) {
        our_errno() = 0;
        EXPECT_EQ(seek(cpp_sel4_stdout, 0, SEEK_SET), -1);
        EXPECT_EQ(our_errno(), ESPIPE);
    }
    for (auto tell : {cpp_sel4_ftell, cpp_sel4_ftello, cpp_sel4_ftello64}) {
        our_errno() = 0;
        EXPECT_EQ(tell(cpp_sel4_stdin), -1);
        EXPECT_EQ(our_errno(), ESPIPE);
    }
}

} // namespace
