#include "test_support.hpp"

#include "stack.h"

// The stack that arch/<arch>/start.S switches to.
extern "C" {
alignas(16) unsigned char test_support_stack[TEST_SUPPORT_STACK_SIZE];
}

// The arch's trap (arch/<arch>/start.S): one debug syscall with one argument.
extern "C" void test_support_debug_syscall(long number, test_support::Word argument);

namespace test_support {

namespace {

// Debug syscall numbers follow the API syscalls in api/syscall.xml: 8 of them
// on non-MCS kernels, 11 on MCS kernels; numbering is negative from -1.
#ifdef TEST_SUPPORT_KERNEL_MCS
constexpr long api_syscall_count = 11;
#else
constexpr long api_syscall_count = 8;
#endif
constexpr long sys_debug_put_char = -(api_syscall_count + 1);
constexpr long sys_debug_halt = -(api_syscall_count + 3);

}  // namespace

void put_char(char c) { test_support_debug_syscall(sys_debug_put_char, static_cast<unsigned char>(c)); }

void put_string(const char *s) {
    while (*s) put_char(*s++);
}

void put_hex(Word value) {
    put_string("0x");
    for (int shift = sizeof(Word) * 8 - 4; shift >= 0; shift -= 4) put_char("0123456789abcdef"[(value >> shift) & 0xf]);
}

void halt() {
    test_support_debug_syscall(sys_debug_halt, 0);
    for (;;) {
    }
}

void fail(const char *reason) {
    put_string("cpp-sel4: test failed: ");
    put_string(reason);
    put_char('\n');
    halt();
}

void pass() {
    put_string("cpp-sel4: test passed\n");
    halt();
}

}  // namespace test_support

extern "C" [[noreturn]] void test_support_entry(const test_support::BootInfoHead *boot_info) {
    test_main(boot_info);
    test_support::fail("test_main returned without a verdict");
}
