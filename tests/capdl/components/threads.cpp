// capdl.threads: a client and a server, each in its own CSpace and VSpace, exchange a badged
// message over an endpoint and a badged signal over a notification; the server also holds the
// handler of an IRQ (bound to a notification), which it acknowledges.
#include "check.hpp"

using namespace capdl_tests::threads;

namespace {

int run(sel4::Word role, sel4::Word) {
    const sel4::cap::Endpoint endpoint(slot_endpoint);
    const sel4::cap::Notification notification(slot_notification);
    if (role == role_client) {
        for (sel4::Word n = 0; n < 3; ++n) sel4::ipc_buffer().msg[n] = 100 + n;
        endpoint.send(sel4::MessageInfo(label, 0, 0, 3));
        notification.signal();
        sel4::debug::println("client: sent a message and a signal");
        return 0;
    }
    const sel4::Received got = receive(endpoint);
    CHECK(got.badge.value() == endpoint_badge);
    CHECK(got.info.label() == label && got.info.length() == 3);
    for (sel4::Word n = 0; n < 3; ++n) CHECK(sel4::ipc_buffer().msg[n] == 100 + n);
    CHECK(notification.wait().value() == notification_badge);
    CHECK(sel4::cap::IrqHandler(slot_irq_handler).ack());
    sel4::debug::println("server: message with badge {:#x} and signal with badge {:#x}", got.badge.value(), notification_badge);
    return passed();
}

} // namespace

SEL4_COMPONENT_MAIN(run)
