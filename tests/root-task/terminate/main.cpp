// root-task.terminate: an exception nobody catches ends the root task with its reason and
// a backtrace; the runner must see this failure (the test expects it).
#include <sel4/runtime/root_task.hpp>

#include <stdexcept>

namespace {
[[gnu::noinline]] void throw_deliberately() { throw std::runtime_error("deliberately uncaught"); }
} // namespace

int root_main(const sel4::BootInfo &) {
    throw_deliberately();
    return 0;
}

SEL4_ROOT_TASK_MAIN(root_main)
