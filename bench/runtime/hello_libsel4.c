/* The C baseline of the size benchmark: hello on libsel4 alone, entered through the test
 * support's entry stub (tests/support/arch/<arch>/start.S). */
#include <sel4/sel4.h>

char test_support_stack[16384] __attribute__((aligned(16)));
seL4_IPCBuffer *__sel4_ipc_buffer;

void test_support_entry(seL4_BootInfo *boot_info) {
    seL4_SetIPCBuffer(boot_info->ipcBuffer);
    for (const char *c = "hello from node 0\n"; *c != '\0'; ++c)
        seL4_DebugPutChar(*c);
    seL4_DebugHalt();
}
