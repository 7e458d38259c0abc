// Declarations of the C library functions and objects the runtime defines beneath libstdc++,
// libsupc++ and libgcc (the "OS surface"), for the runtime's sources and its host tests. The
// types are the runtime's own: C names carry no types, so a program compiled against another
// C library's headers links to these as long as the layouts it relies on agree (noted below).
#pragma once

#include <cstdarg>
#include <cstddef>

#include "c_name.hpp"

namespace sel4_runtime {

// FILE: opaque to callers; stdout and stderr both write to the console (<sel4/runtime/libc.hpp>).
struct File {
    int descriptor;
};

// pthread_mutex_t: the caller's object is at least as large and as aligned as an int (glibc's
// is 40 or 48 bytes); the runtime uses its first int, 0 when unlocked, so the all-zero
// PTHREAD_MUTEX_INITIALIZER is an unlocked mutex. Every mutex is a plain (not recursive) one.
struct PthreadMutex {
    int locked; // accessed with the __atomic builtins only
};

} // namespace sel4_runtime

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

// src/pthread_mutex.cpp
int CPP_SEL4_C_NAME(pthread_mutex_lock)(sel4_runtime::PthreadMutex *mutex) noexcept;
int CPP_SEL4_C_NAME(pthread_mutex_trylock)(sel4_runtime::PthreadMutex *mutex) noexcept;
int CPP_SEL4_C_NAME(pthread_mutex_unlock)(sel4_runtime::PthreadMutex *mutex) noexcept;

// src/os_surface.cpp
extern char CPP_SEL4_C_NAME(__libc_single_threaded);
char *CPP_SEL4_C_NAME(gettext)(const char *message) noexcept;
char *CPP_SEL4_C_NAME(dgettext)(const char *domain, const char *message) noexcept;
char *CPP_SEL4_C_NAME(dcgettext)(const char *domain, const char *message, int category) noexcept;
unsigned long CPP_SEL4_C_NAME(__getauxval)(unsigned long type) noexcept;
unsigned long CPP_SEL4_C_NAME(getauxval)(unsigned long type) noexcept;

// src/math.cpp
double CPP_SEL4_C_NAME(floor)(double x) noexcept;

} // extern "C"
