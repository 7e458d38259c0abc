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

    // This thread is on node 0 of the world's kernel's nodes (1, or 2 in the -smp worlds).
    if (boot_info->node_id != 0) fail("BootInfo.nodeID is not 0");
    if (boot_info->num_nodes != SMOKE_NUM_NODES) fail("BootInfo.numNodes is not the world's number of nodes");
    // The IPC buffer is a page of the root task's image, just past the BootInfo's frames.
    if (boot_info->ipc_buffer == 0 || boot_info->ipc_buffer % 4096 != 0) fail("BootInfo.ipcBuffer is not a page");
    pass();
}
