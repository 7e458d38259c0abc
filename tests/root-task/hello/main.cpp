// root-task.hello: the smallest program on the root-task runtime.
#include <sel4/runtime/root_task.hpp>

int root_main(const sel4::BootInfo &boot_info) {
    sel4::debug::println("hello from a C++ root task on node {} of {}", boot_info.node_id(), boot_info.num_nodes());
    sel4::debug::println("cpp-sel4: test passed");
    return 0;
}

SEL4_ROOT_TASK_MAIN(root_main)
