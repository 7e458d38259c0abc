// The POSIX descriptor calls beneath libstdc++'s basic_file (std::filebuf, stdio_filebuf):
// read, write, writev, close, lseek, fstat, ioctl, poll, open. The only descriptors are the
// console's: 0 reads the console input, 1 and 2 write to the console. There is no file
// system: open fails with ENOSYS; any other descriptor is not open (EBADF).
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "c_library.hpp"

namespace {

using sel4_runtime::detail::set_errno;

bool is_console(int descriptor) { return descriptor >= 0 && descriptor <= 2; }

int fail(int error) {
    set_errno(error);
    return -1;
}

} // namespace

extern "C" {

ssize_t CPP_SEL4_C_NAME(read)(int descriptor, void *data, std::size_t size) {
    if (descriptor != 0)
        return fail(EBADF); // not open, or (1, 2) open for writing only
    return static_cast<ssize_t>(sel4_runtime::detail::read_console(static_cast<char *>(data), size));
}

ssize_t CPP_SEL4_C_NAME(write)(int descriptor, const void *data, std::size_t size) {
    if (descriptor != 1 && descriptor != 2)
        return fail(EBADF);
    sel4_runtime::detail::write_console(static_cast<const char *>(data), size);
    return static_cast<ssize_t>(size);
}

ssize_t CPP_SEL4_C_NAME(writev)(int descriptor, const iovec *vector, int count) {
    if (descriptor != 1 && descriptor != 2)
        return fail(EBADF);
    if (count < 0 || count > IOV_MAX)
        return fail(EINVAL);
    ssize_t total = 0;
    for (int i = 0; i < count; ++i) {
        sel4_runtime::detail::write_console(static_cast<const char *>(vector[i].iov_base), vector[i].iov_len);
        total += static_cast<ssize_t>(vector[i].iov_len);
    }
    return total;
}

// The console's descriptors stay usable: closing one is a no-op.
int CPP_SEL4_C_NAME(close)(int descriptor) { return is_console(descriptor) ? 0 : fail(EBADF); }

int CPP_SEL4_C_NAME(open)(const char *, int, ...) { return fail(ENOSYS); }
int CPP_SEL4_C_NAME(open64)(const char *, int, ...) { return fail(ENOSYS); }

off_t CPP_SEL4_C_NAME(lseek)(int descriptor, off_t, int) noexcept {
    return fail(is_console(descriptor) ? ESPIPE : EBADF); // the console does not seek, as a terminal
}

off64_t CPP_SEL4_C_NAME(lseek64)(int descriptor, off64_t offset, int whence) noexcept {
    return CPP_SEL4_C_NAME(lseek)(descriptor, offset, whence);
}

// The console is a character device, of no size.
int CPP_SEL4_C_NAME(fstat)(int descriptor, struct stat *status) noexcept {
    if (!is_console(descriptor))
        return fail(EBADF);
    *status = {};
    status->st_mode = S_IFCHR | (descriptor == 0 ? S_IRUSR : S_IWUSR);
    status->st_nlink = 1;
    status->st_blksize = 1;
    return 0;
}

// struct stat64 is struct stat on these 64-bit ABIs.
static_assert(sizeof(struct stat64) == sizeof(struct stat));
int CPP_SEL4_C_NAME(fstat64)(int descriptor, struct stat64 *status) noexcept {
    return CPP_SEL4_C_NAME(fstat)(descriptor, reinterpret_cast<struct stat *>(status));
}

// No device controls (libstdc++ asks FIONREAD for how much input is waiting, then falls back).
int CPP_SEL4_C_NAME(ioctl)(int descriptor, unsigned long, ...) noexcept {
    return fail(is_console(descriptor) ? ENOTTY : EBADF);
}

// Waiting for descriptors needs what the console input hook does not say (whether input is
// waiting); libstdc++ falls back when poll fails.
int CPP_SEL4_C_NAME(poll)(pollfd *, nfds_t, int) { return fail(ENOSYS); }

} // extern "C"
