// root-task.backtrace: a chain of calls prints a backtrace in the compact format; the
// test's check script has sel4-symbolize turn it into these functions' names.
#include "../check.hpp"

#include <sel4/runtime/abort.hpp>
#include <sel4/runtime/root_task.hpp>

namespace backtrace_test {

[[gnu::noinline]] void innermost_frame() {
    sel4_runtime::print_backtrace();
    asm volatile(""); // keep the call above from becoming a tail call
}

[[gnu::noinline]] void middle_frame() {
    innermost_frame();
    asm volatile("");
}

[[gnu::noinline]] void outer_frame() {
    middle_frame();
    asm volatile("");
}

} // namespace backtrace_test

int root_main(const sel4::BootInfo &) {
    backtrace_test::outer_frame();
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
