// runner.null-deref: a deliberately broken root task. It writes through a null
// pointer; the kernel reports the fault and the runner must fail the test.
#include <test_support.hpp>

void test_main(const test_support::BootInfoHead *) {
    test_support::put_string("cpp-sel4: null-deref: writing through a null pointer\n");
    volatile int *volatile target = nullptr;
    *target = 42;
    test_support::pass();  // never reached: a runner that sees this line is broken
}
