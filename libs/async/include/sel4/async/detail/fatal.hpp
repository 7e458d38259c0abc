/// @file
/// The end of a PD whose async code broke a rule that cannot be reported as a value (a frame
/// from no pool, an exception escaping a task, a Task awaited twice): a message, then abort.
#pragma once

#if SEL4_ASYNC_HOSTED
#include <cstdio>
#include <cstdlib>
#else
#include <sel4/runtime/abort.hpp>
#endif

namespace sel4::async::detail {

/// Prints `sel4::async: <what>` and aborts: on seL4 through the runtime's fatal() (the
/// `cpp-sel4: aborted:` line and a backtrace), on the host (SEL4_ASYNC_HOSTED) on stderr.
[[noreturn, gnu::cold, gnu::noinline]] inline void fatal(const char *what) noexcept {
#if SEL4_ASYNC_HOSTED
    std::fprintf(stderr, "sel4::async: %s\n", what);
    std::abort();
#else
    sel4_runtime::fatal("sel4::async: ", what);
#endif
}

} // namespace sel4::async::detail
