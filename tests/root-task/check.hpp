// CHECK for the root-task runtime tests: a failed check prints the test-failed line the
// runner looks for, with the place, and ends the root task.
#pragma once

#include <sel4/runtime/abort.hpp>
#include <sel4/sel4.hpp>

#define CHECK(condition)                                                                                          \
    do {                                                                                                           \
        if (!(condition)) {                                                                                        \
            sel4::debug::println("cpp-sel4: test failed: {}:{}: {}", __FILE__, __LINE__, #condition);              \
            sel4_runtime::stop_thread();                                                                           \
        }                                                                                                          \
    } while (0)

inline int passed() {
    sel4::debug::println("cpp-sel4: test passed");
    return 0;
}
