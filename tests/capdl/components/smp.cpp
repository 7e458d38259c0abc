// capdl.smp: a thread pinned to core 0 spins at a high priority until the thread pinned to
// core 1 reports; a lower-priority thread pinned to core 0 must not have run meanwhile.
#include "check.hpp"

using namespace capdl_tests::smp;

namespace {

int run(sel4::Word role, sel4::Word core) {
    volatile sel4::Word *const flag = reinterpret_cast<volatile sel4::Word *>(flags);
    sel4::debug::println("smp: thread {} pinned to core {}", role, core);
    if (role == role_blocked) {
        flag[role] = 1;
        return 0;
    }
    if (role == role_reporter) {
        // Reported; then parked, not exited: its exit line would print on core 1 while core
        // 0's thread prints its own lines, and the two consoles' characters interleave.
        flag[role] = 1;
        for (;;)
            sel4::yield();
    }
    for (sel4::Word spins = 0; flag[role_reporter] == 0; ++spins)
        CHECK(spins < (sel4::Word{1} << 34)); // core 1's thread never ran beside this one
    CHECK(flag[role_blocked] == 0);
    sel4::debug::println("smp: core 1's thread ran while core 0's spun; core 0's lower-priority thread waited");
    return passed();
}

} // namespace

SEL4_COMPONENT_MAIN(run)
