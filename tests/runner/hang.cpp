// runner.hang: a deliberately broken root task that never reports a verdict;
// the runner must fail it on its hard timeout.
#include <test_support.hpp>

void test_main(const test_support::BootInfoHead *) {
    test_support::put_string("cpp-sel4: hang: spinning forever\n");
    for (;;) asm volatile("" ::: "memory");
}
