// root-task.smoke: the smallest C++ root task. It reads the BootInfo the kernel
// handed over, prints through the seL4 debug console and reports its verdict.
#include <test_support.hpp>

using namespace test_support;

void test_main(const BootInfoHead *boot_info) {
    put_string("cpp-sel4: smoke: hello from a C++ root task\n");
    put_string("cpp-sel4: smoke: BootInfo at ");
    put_hex(reinterpret_cast<Word>(boot_info));
    put_string(", IPC buffer at ");
    put_hex(boot_info->ipc_buffer);
    put_char('\n');

    // The worlds are single-node kernels: this thread is on node 0 of 1.
    if (boot_info->node_id != 0) fail("BootInfo.nodeID is not 0");
    if (boot_info->num_nodes != 1) fail("BootInfo.numNodes is not 1");
    // The IPC buffer is a page of the root task's image, just past the BootInfo's frames.
    if (boot_info->ipc_buffer == 0 || boot_info->ipc_buffer % 4096 != 0) fail("BootInfo.ipcBuffer is not a page");
    pass();
}
