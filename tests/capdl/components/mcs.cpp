// capdl.mcs: two threads spin on one core, one with a scheduling context of a 10% budget (at
// the higher priority, so that it runs whenever it has budget), one without a limit. Each adds
// up the time it ran: the counter's steps between two reads of its loop, but for the gaps
// (longer than gap_ticks) in which the other thread ran. The limited thread's share of the
// time must be 8% to 12%: the test runs under QEMU's -icount, so the counter follows the
// instructions and the share does not depend on the host's load.
#include "check.hpp"

#include <sel4/runtime/arch/counter.hpp>

using namespace capdl_tests::mcs;

namespace {

// 131 us at QEMU virt's 62.5 MHz: far longer than a turn of the loop (or the host's hiccups),
// far shorter than the other thread's turns (1 ms and 9 ms).
constexpr sel4::Word gap_ticks = 1 << 13;
constexpr sel4::Word measure_ticks = 1 << 24; // the unlimited thread's running time to measure: 268 ms at 62.5 MHz

int run(sel4::Word role, sel4::Word) {
    volatile sel4::Word *const ran = reinterpret_cast<volatile sel4::Word *>(counters);
    const sel4::Word mine = role == role_limited ? 0 : 1;
    const sel4::Word limit = role == role_limited ? ~sel4::Word{0} : measure_ticks;
    sel4::Word last = sel4_runtime::arch::counter();
    while (ran[mine] < limit) { // the same loop in both threads
        const sel4::Word now = sel4_runtime::arch::counter();
        if (now - last < gap_ticks) ran[mine] = ran[mine] + (now - last);
        last = now;
    }
    const sel4::Word limited = ran[0], unlimited = ran[1];
    const sel4::Word per_mille = limited * 1000 / (limited + unlimited);
    sel4::debug::println("mcs: the thread with a {}/{} us budget ran {} counter ticks, the unlimited one {}: {}.{}% of "
                         "the core",
                         limited_budget_us, period_us, limited, unlimited, per_mille / 10, per_mille % 10);
    CHECK(per_mille >= 80 && per_mille <= 120);
    return passed();
}

} // namespace

SEL4_COMPONENT_MAIN(run)
