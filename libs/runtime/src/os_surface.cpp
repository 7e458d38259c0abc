// Small C library facts libstdc++ and libgcc ask the OS for.
#include <sel4/runtime/libc.hpp>

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

} // extern "C"
