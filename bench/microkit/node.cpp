// node.c in C++: a PD of the 63-PD system that prints its counter first thing in init.
#include <sel4/microkit.hpp>

#include <sel4/debug.hpp>

#include <cstdint>

#include "counter.h"

namespace mk = sel4::microkit;

namespace {

struct Node : mk::Handler {
    void notified(mk::ChannelSet) {}
};

Node make_node() {
    const std::uint64_t now = bench_counter();
    sel4::debug::println("bench-microkit: init {} at {}", mk::pd_name(), now);
    return {};
}

} // namespace

SEL4_MICROKIT_PD(make_node)
