// root-task.hello: the smallest program on the root-task runtime, on a stack of its own size.
#include <sel4/runtime/root_task.hpp>

SEL4_ROOT_TASK_STACK_SIZE(32 * 1024)

int root_main(const sel4::BootInfo &boot_info) {
    sel4::debug::println("hello from a C++ root task on node {} of {}", boot_info.node_id(), boot_info.num_nodes());
    // This frame is on the 32 KiB stack the program asked for.
    const char local = 0;
    const char *top = sel4_runtime_stack_top;
    if (&local >= top || &local < top - 32 * 1024) {
        sel4::debug::println("cpp-sel4: test failed: the stack is not the program's own");
        return 1;
    }
    sel4::debug::println("cpp-sel4: test passed");
    return 0;
}

SEL4_ROOT_TASK_MAIN(root_main)
