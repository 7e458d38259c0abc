// The threads of bench/capdl.sh's synthetic systems: each stops itself at once (the
// initializer's work is what the benchmark measures).
#include "check.hpp"

namespace {

int run(sel4::Word, sel4::Word) {
    sel4::cap::Tcb(capdl_tests::slot_tcb).suspend();
    return 0;
}

} // namespace

SEL4_COMPONENT_MAIN(run)
