// The smallest possible support for on-target tests of the foundation: an
// entry stub per arch and the seL4 debug console, with no runtime and no
// bindings underneath, so that the test runner can be proven on its own.
#pragma once

#include <cstdint>

namespace test_support {

using Word = std::uintptr_t;

// The first words of seL4_BootInfo (libsel4/include/sel4/bootinfo_types.h).
struct BootInfoHead {
    Word extra_len;
    Word node_id;
    Word num_nodes;
    Word num_io_pt_levels;
    Word ipc_buffer;
};

void put_char(char c);
void put_string(const char *s);
void put_hex(Word value);
[[noreturn]] void halt();

// Prints "cpp-sel4: test failed: <reason>" and halts.
[[noreturn]] void fail(const char *reason);
// Prints the success line the runner waits for, and halts.
[[noreturn]] void pass();

}  // namespace test_support

// Each test program defines this; it is entered on the initial thread's stack.
void test_main(const test_support::BootInfoHead *boot_info);
