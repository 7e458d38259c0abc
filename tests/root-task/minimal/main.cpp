// root-task.minimal: the runtime without a heap, TLS or exceptions still runs static
// constructors and hands over the BootInfo with the IPC buffer set up.
#include <sel4/runtime/root_task.hpp>

namespace {
int constructed = 0;
struct Counter {
    Counter() { ++constructed; }
};
Counter first, second;
} // namespace

int root_main(const sel4::BootInfo &boot_info) {
    if (constructed != 2) {
        sel4::debug::println("cpp-sel4: test failed: {} static constructors ran, expected 2", constructed);
        return 1;
    }
    // An invocation through the implicit IPC buffer the runtime set up.
    const auto slot = boot_info.empty().start;
    if (!sel4::init::cnode.copy(sel4::RelativeCPtr(slot), sel4::init::cnode.absolute(sel4::init::tcb),
                                sel4::CapRights::all())) {
        sel4::debug::println("cpp-sel4: test failed: CNode copy through the implicit IPC buffer");
        return 1;
    }
    sel4::debug::println("cpp-sel4: test passed");
    return 0;
}

SEL4_ROOT_TASK_MAIN(root_main)
