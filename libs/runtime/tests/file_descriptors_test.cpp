// The console's descriptors, and the errors for every other descriptor and for files, as
// glibc gives them for descriptors that are not open.
#include <gtest/gtest.h>

#include <sel4/runtime/libc.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "../src/c_library.hpp"

namespace {

std::string output;
std::string input;

class Descriptors : public ::testing::Test {
protected:
    void SetUp() override {
        output.clear();
        input = "typed";
        sel4_runtime::set_console([](const char *data, std::size_t size) { output.append(data, size); });
        sel4_runtime::set_console_input([](char *data, std::size_t size) {
            const std::size_t n = std::min(size, input.size());
            input.copy(data, n);
            input.erase(0, n);
            return n;
        });
    }
    void TearDown() override {
        sel4_runtime::set_console(nullptr);
        sel4_runtime::set_console_input(nullptr);
    }
};

int &our_errno() { return *cpp_sel4___errno_location(); }

// `ours` failed with -1 and `error`, as glibc's `theirs` did (on a descriptor that is not open).
#define EXPECT_FAILS_AS_GLIBC(ours, theirs, error)                                                                \
    do {                                                                                                          \
        our_errno() = 0;                                                                                          \
        EXPECT_EQ((ours), -1);                                                                                    \
        EXPECT_EQ(our_errno(), (error));                                                                          \
        errno = 0;                                                                                                \
        EXPECT_EQ((theirs), -1);                                                                                  \
        EXPECT_EQ(errno, (error));                                                                                \
    } while (0)

constexpr int not_open = 987; // not open in this test process either

TEST_F(Descriptors, WritesToOneAndTwoGoToTheConsole) {
    EXPECT_EQ(cpp_sel4_write(1, "out ", 4), 4);
    EXPECT_EQ(cpp_sel4_write(2, "err", 3), 3);
    char a[] = "a", bc[] = "bc";
    const iovec parts[] = {{a, 1}, {bc, 2}, {nullptr, 0}};
    EXPECT_EQ(cpp_sel4_writev(1, parts, 3), 3);
    EXPECT_EQ(output, "out errabc");
    EXPECT_FAILS_AS_GLIBC(cpp_sel4_write(not_open, "x", 1), write(not_open, "x", 1), EBADF);
    EXPECT_FAILS_AS_GLIBC(cpp_sel4_writev(not_open, parts, 3), writev(not_open, parts, 3), EBADF);
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_write(0, "x", 1), -1); // open for reading only
    EXPECT_EQ(our_errno(), EBADF);
    EXPECT_EQ(cpp_sel4_writev(1, parts, -1), -1);
    EXPECT_EQ(our_errno(), EINVAL);
}

TEST_F(Descriptors, ReadsFromZeroComeFromTheConsoleInput) {
    char buffer[8];
    EXPECT_EQ(cpp_sel4_read(0, buffer, 3), 3);
    EXPECT_EQ(std::string(buffer, 3), "typ");
    EXPECT_EQ(cpp_sel4_read(0, buffer, sizeof buffer), 2);
    EXPECT_EQ(cpp_sel4_read(0, buffer, sizeof buffer), 0); // the end of the input
    sel4_runtime::set_console_input(nullptr);
    EXPECT_EQ(cpp_sel4_read(0, buffer, sizeof buffer), 0); // no input at all
    EXPECT_FAILS_AS_GLIBC(cpp_sel4_read(not_open, buffer, 1), read(not_open, buffer, 1), EBADF);
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_read(1, buffer, 1), -1);
    EXPECT_EQ(our_errno(), EBADF);
}

TEST_F(Descriptors, TheConsoleIsACharacterDeviceThatDoesNotSeek) {
    struct stat status;
    struct stat64 status64;
    EXPECT_EQ(cpp_sel4_fstat(1, &status), 0);
    EXPECT_TRUE(S_ISCHR(status.st_mode));
    EXPECT_EQ(status.st_size, 0);
    EXPECT_EQ(cpp_sel4_fstat64(0, &status64), 0);
    EXPECT_TRUE(S_ISCHR(status64.st_mode));
    EXPECT_FAILS_AS_GLIBC(cpp_sel4_fstat(not_open, &status), fstat(not_open, &status), EBADF);
    EXPECT_FAILS_AS_GLIBC(cpp_sel4_fstat64(not_open, &status64), fstat64(not_open, &status64), EBADF);
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_lseek(1, 0, SEEK_CUR), -1);
    EXPECT_EQ(our_errno(), ESPIPE);
    EXPECT_FAILS_AS_GLIBC(cpp_sel4_lseek64(not_open, 0, SEEK_SET), lseek64(not_open, 0, SEEK_SET), EBADF);
    int waiting = 0;
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_ioctl(0, FIONREAD, &waiting), -1);
    EXPECT_EQ(our_errno(), ENOTTY);
    EXPECT_FAILS_AS_GLIBC(cpp_sel4_ioctl(not_open, FIONREAD, &waiting), ioctl(not_open, FIONREAD, &waiting), EBADF);
    pollfd descriptor{0, POLLIN, 0};
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_poll(&descriptor, 1, 0), -1);
    EXPECT_EQ(our_errno(), ENOSYS);
}

TEST_F(Descriptors, ClosingTheConsoleKeepsItAndThereAreNoFiles) {
    EXPECT_EQ(cpp_sel4_close(1), 0);
    EXPECT_EQ(cpp_sel4_write(1, "still", 5), 5);
    EXPECT_EQ(output, "still");
    EXPECT_FAILS_AS_GLIBC(cpp_sel4_close(not_open), close(not_open), EBADF);
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_open("/etc/passwd", O_RDONLY), -1);
    EXPECT_EQ(our_errno(), ENOSYS);
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_open64("/tmp/new", O_WRONLY | O_CREAT, 0644), -1);
    EXPECT_EQ(our_errno(), ENOSYS);
}

} // namespace
