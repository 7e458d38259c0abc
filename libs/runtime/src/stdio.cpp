// The stdio functions libstdc++ and libsupc++ call (the verbose terminate handler writes
// with fputs/fputc/fwrite to stderr, the demangler formats with sprintf, std::cin/cout/wcout
// sit on stdio_sync_filebuf: getc, ungetc, fread, getwc, putwc, ...) and their obvious
// companions. There is no buffering: every call hands its bytes to the console hook at once,
// so output is never lost when the program stops. stdout and stderr both go to the console;
// stdin reads the console input hook (end of file without one). There are no other streams:
// no file system, so fopen fails with ENOSYS, and the console does not seek (ESPIPE).
// Wide characters are converted as the C locale does (libc-musl's btowc and wctob).
#include <sel4/runtime/libc.hpp>

#include <cerrno>
#include <utility>

#include "c_library.hpp"
#include "format.hpp"

namespace sel4_runtime {
namespace {

// Accessed with the __atomic builtins only.
constinit ConsoleWrite console = nullptr;
constinit ConsoleRead console_input = nullptr;

constinit File standard_input{0};
constinit File standard_output{1};
constinit File standard_error{2};

} // namespace

void set_console(ConsoleWrite write) noexcept { __atomic_store_n(&console, write, __ATOMIC_RELEASE); }
void set_console_input(ConsoleRead read) noexcept { __atomic_store_n(&console_input, read, __ATOMIC_RELEASE); }

namespace detail {

void write_console(const char *data, std::size_t size) noexcept {
    if (const ConsoleWrite write = __atomic_load_n(&console, __ATOMIC_ACQUIRE))
        write(data, size);
}

std::size_t read_console(char *data, std::size_t size) noexcept {
    const ConsoleRead read = __atomic_load_n(&console_input, __ATOMIC_ACQUIRE);
    return read != nullptr && size != 0 ? read(data, size) : 0;
}

} // namespace detail
} // namespace sel4_runtime

using sel4_runtime::File;
using sel4_runtime::detail::read_console;
using sel4_runtime::detail::set_errno;
using sel4_runtime::detail::write_console;

namespace {

constexpr int eof = -1;                 // EOF
constexpr unsigned wide_eof = 0xffffffff; // WEOF

// The next byte of `file`: the one ungetc gave back, else the console input's; EOF at the
// end of the input (which stays ended, as in glibc) and on the output streams.
int read_byte(File *file) {
    if (file->pushed_back >= 0)
        return std::exchange(file->pushed_back, -1);
    if (file->descriptor != 0) {
        file->error = true;
        set_errno(EBADF);
        return eof;
    }
    char byte;
    if (file->end_of_file || read_console(&byte, 1) == 0) {
        file->end_of_file = true;
        return eof;
    }
    return static_cast<unsigned char>(byte);
}

int not_seekable() {
    set_errno(ESPIPE); // as on a terminal
    return -1;
}

} // namespace

extern "C" {

File *CPP_SEL4_C_NAME(stdin) = &sel4_runtime::standard_input;
File *CPP_SEL4_C_NAME(stdout) = &sel4_runtime::standard_output;
File *CPP_SEL4_C_NAME(stderr) = &sel4_runtime::standard_error;

int CPP_SEL4_C_NAME(fputc)(int c, File *) noexcept {
    const char byte = static_cast<char>(c);
    write_console(&byte, 1);
    return static_cast<unsigned char>(byte);
}

int CPP_SEL4_C_NAME(putc)(int c, File *file) noexcept { return CPP_SEL4_C_NAME(fputc)(c, file); }

int CPP_SEL4_C_NAME(putchar)(int c) noexcept { return CPP_SEL4_C_NAME(fputc)(c, CPP_SEL4_C_NAME(stdout)); }

int CPP_SEL4_C_NAME(fputs)(const char *__restrict s, File *__restrict) noexcept {
    std::size_t length = 0;
    while (s[length] != '\0')
        ++length;
    write_console(s, length);
    return 0;
}

int CPP_SEL4_C_NAME(puts)(const char *s) noexcept {
    CPP_SEL4_C_NAME(fputs)(s, CPP_SEL4_C_NAME(stdout));
    write_console("\n", 1);
    return 0;
}

std::size_t CPP_SEL4_C_NAME(fwrite)(const void *__restrict data, std::size_t size, std::size_t count,
                                    File *__restrict) noexcept {
    if (size == 0 || count == 0)
        return 0;
    write_console(static_cast<const char *>(data), size * count);
    return count;
}

int CPP_SEL4_C_NAME(fflush)(File *) noexcept { return 0; } // nothing is buffered

int CPP_SEL4_C_NAME(vfprintf)(File *__restrict, const char *__restrict format, va_list args) noexcept {
    char buffer[128]; // handed to the console whenever it fills, and at the end
    sel4_runtime::detail::FormatOutput out(buffer, sizeof buffer, write_console);
    const int result = sel4_runtime::detail::format(out, format, args);
    out.drain();
    return result;
}

int CPP_SEL4_C_NAME(fprintf)(File *__restrict file, const char *__restrict format, ...) noexcept {
    va_list args;
    va_start(args, format);
    const int result = CPP_SEL4_C_NAME(vfprintf)(file, format, args);
    va_end(args);
    return result;
}

int CPP_SEL4_C_NAME(vprintf)(const char *__restrict format, va_list args) noexcept {
    return CPP_SEL4_C_NAME(vfprintf)(CPP_SEL4_C_NAME(stdout), format, args);
}

int CPP_SEL4_C_NAME(printf)(const char *__restrict format, ...) noexcept {
    va_list args;
    va_start(args, format);
    const int result = CPP_SEL4_C_NAME(vfprintf)(CPP_SEL4_C_NAME(stdout), format, args);
    va_end(args);
    return result;
}

int CPP_SEL4_C_NAME(fgetc)(File *file) noexcept { return read_byte(file); }

int CPP_SEL4_C_NAME(getc)(File *file) noexcept { return read_byte(file); }

int CPP_SEL4_C_NAME(getchar)() noexcept { return read_byte(CPP_SEL4_C_NAME(stdin)); }

// One byte of push-back, as C guarantees; it clears the end-of-file indicator.
int CPP_SEL4_C_NAME(ungetc)(int c, File *file) noexcept {
    if (c == eof || file->pushed_back >= 0)
        return eof;
    file->pushed_back = static_cast<unsigned char>(c);
    file->end_of_file = false;
    return file->pushed_back;
}

std::size_t CPP_SEL4_C_NAME(fread)(void *__restrict data, std::size_t size, std::size_t count,
                                   File *__restrict file) noexcept {
    if (size == 0 || count == 0)
        return 0;
    auto *bytes = static_cast<char *>(data);
    const std::size_t wanted = size * count;
    std::size_t got = 0;
    if (file->pushed_back >= 0 || file->descriptor != 0 || file->end_of_file) {
        const int c = read_byte(file);
        if (c == eof)
            return 0;
        bytes[got++] = static_cast<char>(c);
    }
    while (got < wanted) {
        const std::size_t n = read_console(bytes + got, wanted - got);
        if (n == 0) {
            file->end_of_file = true;
            break;
        }
        got += n;
    }
    return got / size;
}

unsigned CPP_SEL4_C_NAME(fgetwc)(File *file) noexcept {
    const int c = read_byte(file);
    return c == eof ? wide_eof : btowc(c);
}

unsigned CPP_SEL4_C_NAME(getwc)(File *file) noexcept { return CPP_SEL4_C_NAME(fgetwc)(file); }

unsigned CPP_SEL4_C_NAME(ungetwc)(unsigned c, File *file) noexcept {
    const int byte = c == wide_eof ? eof : wctob(c);
    return byte != eof && CPP_SEL4_C_NAME(ungetc)(byte, file) != eof ? c : wide_eof;
}

unsigned CPP_SEL4_C_NAME(fputwc)(wchar_t c, File *file) noexcept {
    const int byte = wctob(static_cast<unsigned>(c));
    if (byte == eof) { // not a character of the C locale
        file->error = true;
        set_errno(EILSEQ);
        return wide_eof;
    }
    CPP_SEL4_C_NAME(fputc)(byte, file);
    return static_cast<unsigned>(c);
}

unsigned CPP_SEL4_C_NAME(putwc)(wchar_t c, File *file) noexcept { return CPP_SEL4_C_NAME(fputwc)(c, file); }

int CPP_SEL4_C_NAME(fileno)(File *file) noexcept { return file->descriptor; }

// Every stream is unbuffered whatever is asked; the modes are glibc's _IOFBF, _IOLBF, _IONBF.
int CPP_SEL4_C_NAME(setvbuf)(File *__restrict, char *__restrict, int mode, std::size_t) noexcept {
    if (mode < 0 || mode > 2) {
        set_errno(EINVAL);
        return eof;
    }
    return 0;
}

// The standard streams are the only ones; they stay usable (nothing to flush or free).
int CPP_SEL4_C_NAME(fclose)(File *) noexcept { return 0; }

// The console's descriptors (0 for reading, 1 and 2 for writing) as their standard streams.
File *CPP_SEL4_C_NAME(fdopen)(int descriptor, const char *mode) noexcept {
    if (descriptor < 0 || descriptor > 2) {
        set_errno(EBADF);
        return nullptr;
    }
    bool update = false;
    for (const char *m = mode; *m != '\0'; ++m)
        update |= *m == '+';
    const bool reading = mode[0] == 'r';
    const bool writing = mode[0] == 'w' || mode[0] == 'a';
    if (update || (descriptor == 0 ? !reading : !writing)) {
        set_errno(EINVAL); // the mode does not fit the descriptor's
        return nullptr;
    }
    File *const streams[] = {CPP_SEL4_C_NAME(stdin), CPP_SEL4_C_NAME(stdout), CPP_SEL4_C_NAME(stderr)};
    return streams[descriptor];
}

// There is no file system.
File *CPP_SEL4_C_NAME(fopen)(const char *__restrict, const char *__restrict) noexcept {
    set_errno(ENOSYS);
    return nullptr;
}

File *CPP_SEL4_C_NAME(fopen64)(const char *__restrict path, const char *__restrict mode) noexcept {
    return CPP_SEL4_C_NAME(fopen)(path, mode);
}

int CPP_SEL4_C_NAME(fseek)(File *, long, int) noexcept { return not_seekable(); }
int CPP_SEL4_C_NAME(fseeko)(File *, long, int) noexcept { return not_seekable(); }
int CPP_SEL4_C_NAME(fseeko64)(File *, long, int) noexcept { return not_seekable(); }
long CPP_SEL4_C_NAME(ftell)(File *) noexcept { return not_seekable(); }
long CPP_SEL4_C_NAME(ftello)(File *) noexcept { return not_seekable(); }
long CPP_SEL4_C_NAME(ftello64)(File *) noexcept { return not_seekable(); }

int CPP_SEL4_C_NAME(feof)(File *file) noexcept { return file->end_of_file; }

int CPP_SEL4_C_NAME(ferror)(File *file) noexcept { return file->error; }

void CPP_SEL4_C_NAME(clearerr)(File *file) noexcept {
    file->end_of_file = false;
    file->error = false;
}

} // extern "C"
