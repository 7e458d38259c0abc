// What the capdl.* test components share: CHECK (a failed check aborts the thread, which
// fails the test at once) and the arguments every component starts with.
#pragma once

#include "../systems.hpp"

#include <sel4/runtime/component.hpp>
#include <sel4/sel4.hpp>

#define CHECK(condition)                                                                                          \
    do {                                                                                                           \
        if (!(condition)) sel4_runtime::fatal("test check failed: ", #condition);                                 \
    } while (0)

// A message from a sender that expects no reply (MCS kernels receive into a reply object
// otherwise).
inline sel4::Received receive(sel4::cap::Endpoint endpoint) {
#if CPP_SEL4_CONFIG_KERNEL_MCS
    return endpoint.wait();
#else
    return endpoint.recv();
#endif
}

inline int passed() {
    sel4::debug::println("cpp-sel4: test passed");
    sel4_runtime::stop_thread();
}
