// Declarations of the C library functions and objects the runtime defines beneath libstdc++,
// libsupc++ and libgcc (the "OS surface"), for the runtime's sources and its host tests. The
// types are the runtime's own: C names carry no types, so a program compiled against another
// C library's headers links to these as long as the layouts it relies on agree (noted below).
#pragma once

#include <cstdarg>
#include <cstddef>

#include "c_name.hpp"

namespace sel4_runtime {

// FILE: opaque to callers. stdin reads the console input, stdout and stderr write to the
// console (<sel4/runtime/libc.hpp>); nothing is buffered, but a stream keeps ungetc's byte.
struct File {
    int descriptor;
    int pushed_back = -1; // the byte ungetc gave back, or -1
    bool end_of_file = false;
    bool error = false;
};

} // namespace sel4_runtime

// Types of glibc's that some declarations below take by pointer only.
struct iovec;
struct stat;
struct stat64;
struct pollfd;
struct __locale_struct;

extern "C" {

// src/format.cpp
int CPP_SEL4_C_NAME(vsnprintf)(char *__restrict buffer, std::size_t size, const char *__restrict format,
                               va_list args) noexcept;
int CPP_SEL4_C_NAME(snprintf)(char *__restrict buffer, std::size_t size, const char *__restrict format,
                              ...) noexcept;
int CPP_SEL4_C_NAME(vsprintf)(char *__restrict buffer, const char *__restrict format, va_list args) noexcept;
int CPP_SEL4_C_NAME(sprintf)(char *__restrict buffer, const char *__restrict format, ...) noexcept;

// src/stdio.cpp
extern sel4_runtime::File *CPP_SEL4_C_NAME(stdout);
extern sel4_runtime::File *CPP_SEL4_C_NAME(stderr);
extern sel4_runtime::File *CPP_SEL4_C_NAME(stdin);
int CPP_SEL4_C_NAME(fputc)(int c, sel4_runtime::File *file) noexcept;
int CPP_SEL4_C_NAME(putc)(int c, sel4_runtime::File *file) noexcept;
int CPP_SEL4_C_NAME(putchar)(int c) noexcept;
int CPP_SEL4_C_NAME(fputs)(const char *__restrict s, sel4_runtime::File *__restrict file) noexcept;
int CPP_SEL4_C_NAME(puts)(const char *s) noexcept;
std::size_t CPP_SEL4_C_NAME(fwrite)(const void *__restrict data, std::size_t size, std::size_t count,
                                    sel4_runtime::File *__restrict file) noexcept;
int CPP_SEL4_C_NAME(fflush)(sel4_runtime::File *file) noexcept;
int CPP_SEL4_C_NAME(vfprintf)(sel4_runtime::File *__restrict file, const char *__restrict format,
                              va_list args) noexcept;
int CPP_SEL4_C_NAME(fprintf)(sel4_runtime::File *__restrict file, const char *__restrict format, ...) noexcept;
int CPP_SEL4_C_NAME(vprintf)(const char *__restrict format, va_list args) noexcept;
int CPP_SEL4_C_NAME(printf)(const char *__restrict format, ...) noexcept;
int CPP_SEL4_C_NAME(fgetc)(sel4_runtime::File *file) noexcept;
int CPP_SEL4_C_NAME(getc)(sel4_runtime::File *file) noexcept;
int CPP_SEL4_C_NAME(getchar)() noexcept;
int CPP_SEL4_C_NAME(ungetc)(int c, sel4_runtime::File *file) noexcept;
std::size_t CPP_SEL4_C_NAME(fread)(void *__restrict data, std::size_t size, std::size_t count,
                                   sel4_runtime::File *__restrict file) noexcept;
unsigned CPP_SEL4_C_NAME(fgetwc)(sel4_runtime::File *file) noexcept;
unsigned CPP_SEL4_C_NAME(getwc)(sel4_runtime::File *file) noexcept;
unsigned CPP_SEL4_C_NAME(ungetwc)(unsigned c, sel4_runtime::File *file) noexcept;
unsigned CPP_SEL4_C_NAME(fputwc)(wchar_t c, sel4_runtime::File *file) noexcept;
unsigned CPP_SEL4_C_NAME(putwc)(wchar_t c, sel4_runtime::File *file) noexcept;
int CPP_SEL4_C_NAME(fileno)(sel4_runtime::File *file) noexcept;
int CPP_SEL4_C_NAME(setvbuf)(sel4_runtime::File *__restrict file, char *__restrict buffer, int mode,
                             std::size_t size) noexcept;
int CPP_SEL4_C_NAME(fclose)(sel4_runtime::File *file) noexcept;
sel4_runtime::File *CPP_SEL4_C_NAME(fdopen)(int descriptor, const char *mode) noexcept;
sel4_runtime::File *CPP_SEL4_C_NAME(fopen)(const char *__restrict path, const char *__restrict mode) noexcept;
sel4_runtime::File *CPP_SEL4_C_NAME(fopen64)(const char *__restrict path, const char *__restrict mode) noexcept;
int CPP_SEL4_C_NAME(fseek)(sel4_runtime::File *file, long offset, int whence) noexcept;
int CPP_SEL4_C_NAME(fseeko)(sel4_runtime::File *file, long offset, int whence) noexcept;
int CPP_SEL4_C_NAME(fseeko64)(sel4_runtime::File *file, long offset, int whence) noexcept;
long CPP_SEL4_C_NAME(ftell)(sel4_runtime::File *file) noexcept;
long CPP_SEL4_C_NAME(ftello)(sel4_runtime::File *file) noexcept;
long CPP_SEL4_C_NAME(ftello64)(sel4_runtime::File *file) noexcept;
int CPP_SEL4_C_NAME(feof)(sel4_runtime::File *file) noexcept;
int CPP_SEL4_C_NAME(ferror)(sel4_runtime::File *file) noexcept;
void CPP_SEL4_C_NAME(clearerr)(sel4_runtime::File *file) noexcept;

// src/file_descriptors.cpp (not noexcept where glibc declares them as cancellation points)
long CPP_SEL4_C_NAME(read)(int descriptor, void *data, std::size_t size);
long CPP_SEL4_C_NAME(write)(int descriptor, const void *data, std::size_t size);
long CPP_SEL4_C_NAME(writev)(int descriptor, const iovec *vector, int count);
int CPP_SEL4_C_NAME(close)(int descriptor);
int CPP_SEL4_C_NAME(open)(const char *path, int flags, ...);
int CPP_SEL4_C_NAME(open64)(const char *path, int flags, ...);
long CPP_SEL4_C_NAME(lseek)(int descriptor, long offset, int whence) noexcept;
long CPP_SEL4_C_NAME(lseek64)(int descriptor, long offset, int whence) noexcept;
int CPP_SEL4_C_NAME(fstat)(int descriptor, struct stat *status) noexcept;
int CPP_SEL4_C_NAME(fstat64)(int descriptor, struct stat64 *status) noexcept;
int CPP_SEL4_C_NAME(ioctl)(int descriptor, unsigned long request, ...) noexcept;
int CPP_SEL4_C_NAME(poll)(pollfd *descriptors, unsigned long count, int timeout);

// src/locale.cpp
__locale_struct *CPP_SEL4_C_NAME(__newlocale)(int category_mask, const char *name, __locale_struct *base) noexcept;
__locale_struct *CPP_SEL4_C_NAME(newlocale)(int category_mask, const char *name, __locale_struct *base) noexcept;
__locale_struct *CPP_SEL4_C_NAME(__duplocale)(__locale_struct *locale) noexcept;
__locale_struct *CPP_SEL4_C_NAME(duplocale)(__locale_struct *locale) noexcept;
void CPP_SEL4_C_NAME(__freelocale)(__locale_struct *locale) noexcept;
void CPP_SEL4_C_NAME(freelocale)(__locale_struct *locale) noexcept;
__locale_struct *CPP_SEL4_C_NAME(__uselocale)(__locale_struct *locale) noexcept;
__locale_struct *CPP_SEL4_C_NAME(uselocale)(__locale_struct *locale) noexcept;
char *CPP_SEL4_C_NAME(setlocale)(int category, const char *name) noexcept;
char *CPP_SEL4_C_NAME(__nl_langinfo_l)(int item, __locale_struct *locale) noexcept;
char *CPP_SEL4_C_NAME(nl_langinfo_l)(int item, __locale_struct *locale) noexcept;
char *CPP_SEL4_C_NAME(nl_langinfo)(int item) noexcept;
void *CPP_SEL4_C_NAME(iconv_open)(const char *to, const char *from);
std::size_t CPP_SEL4_C_NAME(iconv)(void *descriptor, char **in, std::size_t *in_left, char **out,
                                   std::size_t *out_left);
int CPP_SEL4_C_NAME(iconv_close)(void *descriptor);

// src/os_surface.cpp
extern char CPP_SEL4_C_NAME(__libc_single_threaded);
char *CPP_SEL4_C_NAME(gettext)(const char *message) noexcept;
char *CPP_SEL4_C_NAME(dgettext)(const char *domain, const char *message) noexcept;
char *CPP_SEL4_C_NAME(dcgettext)(const char *domain, const char *message, int category) noexcept;
unsigned long CPP_SEL4_C_NAME(__getauxval)(unsigned long type) noexcept;
unsigned long CPP_SEL4_C_NAME(getauxval)(unsigned long type) noexcept;
int *CPP_SEL4_C_NAME(__errno_location)() noexcept;
char *CPP_SEL4_C_NAME(bindtextdomain)(const char *domain, const char *directory) noexcept;
char *CPP_SEL4_C_NAME(bind_textdomain_codeset)(const char *domain, const char *codeset) noexcept;
char *CPP_SEL4_C_NAME(getenv)(const char *name) noexcept;
int CPP_SEL4_C_NAME(getentropy)(void *buffer, std::size_t size);

// src/stop_calls.cpp
unsigned CPP_SEL4_C_NAME(arc4random)() noexcept;
[[noreturn]] void CPP_SEL4_C_NAME(__assert_fail)(const char *assertion, const char *file, unsigned line,
                                                 const char *function) noexcept;

// libc-musl's, which the runtime calls by their own names (the host tests get glibc's).
unsigned btowc(int c) noexcept;
int wctob(unsigned c) noexcept;

} // extern "C"

namespace sel4_runtime::detail {

// Sets the calling thread's errno (the runtime's, under the host tests' prefix too).
inline void set_errno(int value) noexcept { *CPP_SEL4_C_NAME(__errno_location)() = value; }

// src/stdio.cpp: the console hooks of <sel4/runtime/libc.hpp>, for the streams and descriptors.
void write_console(const char *data, std::size_t size) noexcept;
std::size_t read_console(char *data, std::size_t size) noexcept; // 0: the end of the input

} // namespace sel4_runtime::detail
