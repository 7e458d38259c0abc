// Small C library facts libstdc++ and libgcc ask the OS for, errno, and the C library's
// answers for what seL4 does not have: an environment, an entropy source.
#include <sel4/runtime/libc.hpp>

#include <cerrno>

#include "c_library.hpp"

namespace sel4_runtime {

void set_multi_threaded() noexcept {
    __atomic_store_n(&CPP_SEL4_C_NAME(__libc_single_threaded), 0, __ATOMIC_SEQ_CST);
}

} // namespace sel4_runtime

extern "C" {

// glibc's flag (2.32+), read by libstdc++ to skip atomic operations and locks while only one
// thread exists (shared_ptr counts, COW strings, exception strings, guards). 1 until
// sel4_runtime::set_multi_threaded().
char CPP_SEL4_C_NAME(__libc_single_threaded) = 1;

// Message translation, used by libstdc++'s __throw_* functions: no catalogues, the message
// is its own translation.
char *CPP_SEL4_C_NAME(gettext)(const char *message) noexcept { return const_cast<char *>(message); }

char *CPP_SEL4_C_NAME(dgettext)(const char *, const char *message) noexcept {
    return const_cast<char *>(message);
}

char *CPP_SEL4_C_NAME(dcgettext)(const char *, const char *message, int) noexcept {
    return const_cast<char *>(message);
}

// The auxiliary vector, which seL4 does not give. libgcc asks on aarch64 only: lse-init.o's
// constructor reads AT_HWCAP (16) to pick the LSE atomics for the outline-atomics helpers
// (__aarch64_cas4_acq_rel, ...) that libstdc++ and libsupc++ call. 0 means no LSE: the helpers
// use the load/store-exclusive loops, which work on every ARMv8-A core.
unsigned long CPP_SEL4_C_NAME(__getauxval)(unsigned long) noexcept { return 0; }

unsigned long CPP_SEL4_C_NAME(getauxval)(unsigned long type) noexcept { return CPP_SEL4_C_NAME(__getauxval)(type); }

// errno, per thread (a program that links the runtime's C library has TLS). glibc's name for
// its location, which libstdc++ and libc-musl read it through.
int *CPP_SEL4_C_NAME(__errno_location)() noexcept {
    static thread_local int value = 0;
    return &value;
}

// Binding a message domain to a directory or a character set changes nothing, as no
// catalogue is ever loaded (libstdc++'s std::messages calls these). Asked for the binding
// (a null argument), they answer glibc's default directory and "no character set".
char *CPP_SEL4_C_NAME(bindtextdomain)(const char *, const char *directory) noexcept {
    return const_cast<char *>(directory != nullptr ? directory : "/usr/share/locale");
}

char *CPP_SEL4_C_NAME(bind_textdomain_codeset)(const char *, const char *codeset) noexcept {
    return const_cast<char *>(codeset);
}

// No environment: every variable is unset.
char *CPP_SEL4_C_NAME(getenv)(const char *) noexcept { return nullptr; }

// No entropy source: getentropy reports it as the C library does for a missing system call
// (arc4random, which cannot report anything, is in stop_calls.cpp).
int CPP_SEL4_C_NAME(getentropy)(void *, std::size_t) {
    sel4_runtime::detail::set_errno(ENOSYS);
    return -1;
}

} // extern "C"
