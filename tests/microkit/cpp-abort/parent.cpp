// microkit.cpp-abort, the parent: the fault handler of its child, which ends with an uncaught
// exception. The parent receives the child's fault (the capability fault the runtime makes)
// and checks that it comes from the child, then reports success.
#include <sel4/microkit.hpp>

#include <sel4/debug.hpp>
#include <sel4/fault.hpp>

#include <optional>
#include <variant>

namespace mk = sel4::microkit;

namespace {

constexpr mk::Child child(1);

struct Parent : mk::Handler {
    void notified(mk::ChannelSet) {}

    std::optional<sel4::MessageInfo> fault(mk::Child from, sel4::MessageInfo info) {
        const sel4::fault::Fault decoded = sel4::fault::decode(info, sel4::ipc_buffer());
        const bool cap_fault = std::holds_alternative<sel4::fault::CapFault>(decoded);
        sel4::debug::println("parent: child {} faulted (label {}, {}a capability fault)", from.id(), info.label(),
                             cap_fault ? "" : "not ");
        if (from == child && cap_fault && child.stop()) {
            sel4::debug::println("cpp-abort: test passed");
        } else {
            sel4::debug::println("cpp-abort: test failed");
        }
        return std::nullopt;
    }
};

Parent make_parent() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_parent)
