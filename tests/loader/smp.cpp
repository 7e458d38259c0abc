// loader.smp: on a kernel with more than one node, booted through the
// cpp-sel4 kernel loader, every secondary core was started.
//
// That this root task runs at all is the proof: in seL4 16.0.0 the boot core
// releases the secondary cores and then waits, before it drops to user level,
// until every one of them has initialised and counted itself in ksNumCPUs:
//   aarch64: release_secondary_cpus(), src/arch/arm/kernel/boot.c
//   riscv64: release_secondary_cores(), src/arch/riscv/kernel/boot.c
// both `while (ksNumCPUs != CONFIG_MAX_NUM_NODES)`, called from try_init_kernel
// before "Booting all finished, dropped to user space". A core the loader did
// not start, or started wrongly (a wrong core number would have two cores share
// a kernel stack and core 0's state), leaves the boot core waiting and this
// test times out. Here the root task checks the BootInfo the kernel made: that
// it runs on node 0 of the expected number of nodes.
#include <test_support.hpp>

using namespace test_support;

void test_main(const BootInfoHead *boot_info) {
    put_string("cpp-sel4: loader.smp: node ");
    put_hex(boot_info->node_id);
    put_string(" of ");
    put_hex(boot_info->num_nodes);
    put_string("\n");
    if (boot_info->num_nodes != LOADER_TEST_NUM_NODES) fail("BootInfo num_nodes is not the world's number of nodes");
    if (boot_info->node_id != 0) fail("the root task does not run on node 0");
    pass();
}
