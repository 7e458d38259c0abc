// capdl.rights: a send through an endpoint cap without the write right does not arrive, and
// a cap sent through one without the grant right is not transferred; through a cap with both
// it is, and the receiver signals the sender through it.
#include "check.hpp"

using namespace capdl_tests::rights;

namespace {

void send_with_cap(sel4::Word slot, sel4::Word label) {
    sel4::ipc_buffer().caps_or_badges[0] = slot_notification;
    sel4::cap::Endpoint(slot).send(sel4::MessageInfo(label, 0, 1, 0));
}

int run(sel4::Word role, sel4::Word cspace_bits) {
    if (role == role_sender) {
        sel4::cap::Endpoint(slot_no_write).send(sel4::MessageInfo(label_dropped, 0, 0, 0));
        send_with_cap(slot_no_grant, label_without_grant);
        send_with_cap(slot_full, label_with_grant);
        sel4::cap::Notification(slot_notification).wait();
        sel4::debug::println("sender: signalled through the cap the receiver got");
        return passed();
    }
    sel4::IpcBuffer &ipc = sel4::ipc_buffer();
    ipc.receive_cnode = slot_server_cnode;
    ipc.receive_index = slot_received;
    ipc.receive_depth = cspace_bits;
    const sel4::cap::Endpoint endpoint(slot_server_endpoint);
    const sel4::Received first = receive(endpoint);
    CHECK(first.info.label() == label_without_grant); // not label_dropped: that send did not arrive
    CHECK(first.info.extra_caps() == 0);
    sel4::debug::println("receiver: the send without write did not arrive; the one without grant carried no cap");
    const sel4::Received second = receive(endpoint);
    CHECK(second.info.label() == label_with_grant);
    CHECK(second.info.extra_caps() == 1 && second.info.caps_unwrapped() == 0);
    sel4::cap::Notification(slot_received).signal();
    return 0;
}

} // namespace

SEL4_COMPONENT_MAIN(run)
