// The C library calls that end the program with a message (sel4_runtime::fatal): a failed
// assert(), and arc4random, which has no entropy to give. Apart from c_library.hpp, whose
// FILE-taking declarations clash with <wchar.h>'s, which <string_view> brings in.
#include <sel4/runtime/abort.hpp>

#include <cstdarg>

#include "c_name.hpp"
#include "format.hpp"

namespace {

// snprintf into `buffer`, truncating; the length kept.
std::size_t format_message(char *buffer, std::size_t size, const char *format, ...) {
    va_list args;
    va_start(args, format);
    sel4_runtime::detail::FormatOutput out(buffer, size);
    sel4_runtime::detail::format(out, format, args);
    va_end(args);
    return out.used();
}

} // namespace

extern "C" {

// No entropy source (getentropy fails with ENOSYS). arc4random cannot report a failure, and a
// predictable "random" number would be worse than none, so it stops the program, naming what
// is missing.
unsigned CPP_SEL4_C_NAME(arc4random)() noexcept {
    sel4_runtime::fatal("arc4random() called, but the program has no entropy source "
                        "(getentropy fails with ENOSYS); seed from a device instead");
}

// The assert() macro's failure, with glibc's message (less the program's name).
[[noreturn]] void CPP_SEL4_C_NAME(__assert_fail)(const char *assertion, const char *file, unsigned line,
                                                 const char *function) noexcept {
    char message[512];
    const std::size_t length =
        format_message(message, sizeof message, "%s:%u: %s%sAssertion `%s' failed.", file, line,
                       function != nullptr ? function : "", function != nullptr ? ": " : "", assertion);
    sel4_runtime::fatal(std::string_view(message, length));
}

} // extern "C"
