// The stdio functions libstdc++ and libsupc++ call (the verbose terminate handler writes
// with fputs/fputc/fwrite to stderr, the demangler formats with sprintf) and their obvious
// companions. There is no buffering: every call hands its bytes to the console hook at once,
// so output is never lost when the program stops. stdout and stderr both go to the console.
#include <sel4/runtime/libc.hpp>

#include "c_library.hpp"
#include "format.hpp"

namespace sel4_runtime {
namespace {

constinit ConsoleWrite console = nullptr; // accessed with the __atomic builtins only

void write_console(const char *data, std::size_t size) {
    if (const ConsoleWrite write = __atomic_load_n(&console, __ATOMIC_ACQUIRE))
        write(data, size);
}

constinit File standard_output{1};
constinit File standard_error{2};

} // namespace

void set_console(ConsoleWrite write) noexcept { __atomic_store_n(&console, write, __ATOMIC_RELEASE); }

} // namespace sel4_runtime

using sel4_runtime::File;
using sel4_runtime::write_console;

extern "C" {

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

} // extern "C"
