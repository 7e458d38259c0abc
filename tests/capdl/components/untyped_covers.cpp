// capdl.untyped-covers: the spec gives a thread an untyped whose start it covered with an
// endpoint; the thread retypes the rest, and the untyped is full where the spec said.
#include "check.hpp"

using namespace capdl_tests::untyped_covers;

namespace {

// seL4's cap type of an endpoint (cap_endpoint_cap), as DebugCapIdentify reports it.
constexpr std::uint32_t endpoint_cap_type = 4;

int run(sel4::Word, sel4::Word cspace_bits) {
    const auto bits = static_cast<std::uint8_t>(cspace_bits);
    const sel4::cap::Untyped untyped(slot_untyped);
    const sel4::cap::CNode cnode(slot_cnode);
    CHECK(sel4::sys::debug_cap_identify(slot_covered_endpoint) == endpoint_cap_type);
    CHECK(untyped.retype(sel4::ObjectBlueprint::notification(), cnode.absolute_self(), slot_new_notification, 1));
    CHECK(cnode.mint(sel4::RelativeCPtr(slot_badged, bits), cnode.absolute(sel4::RelativeCPtr(slot_new_notification, bits)),
                     sel4::CapRights::all(), sel4::Badge(9)));
    sel4::cap::Notification(slot_badged).signal();
    CHECK(sel4::cap::Notification(slot_new_notification).poll().value() == 9);
    // The endpoint the spec made from it and the notification take its start: half of it is
    // left, not all.
    const auto whole = untyped.retype(sel4::ObjectBlueprint::untyped(untyped_bits), cnode.absolute_self(), slot_new_untyped, 1);
    CHECK(!whole && whole.error() == sel4::Error::NotEnoughMemory);
    CHECK(untyped.retype(sel4::ObjectBlueprint::untyped(untyped_bits - 1), cnode.absolute_self(), slot_new_untyped, 1));
    sel4::debug::println("retyped a notification and 2^{} bytes from the spec's untyped after its covered endpoint",
                         untyped_bits - 1);
    return passed();
}

} // namespace

SEL4_COMPONENT_MAIN(run)
