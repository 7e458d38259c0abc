// bindings.ipc: a second thread (TCB configure + write registers) serves an endpoint
// through its own, explicit IPC buffer; Call/ReplyRecv round trips carry data (more
// words than travel in registers) and capabilities, including an unwrapped one; and
// notifications signal, wait and poll with badges across the two threads; without MCS,
// a reply goes through a reply capability saved with SaveCaller.
#include "env.hpp"

using namespace bindings_test;
using sel4::MessageInfo;

namespace {

constexpr sel4::Badge client_badge{0x77};
constexpr Word signal_label = 0x50;
constexpr Word saved_reply_label = 0x70; // the server answers through a saved reply capability (non-MCS)

struct Shared {
    Word endpoint;
    Word receive_slot;
    Word notification_badged; // the server signals this
    Word reply;               // the server's reply object (MCS)
    Word saved_reply;         // where the server saves a caller's reply capability (non-MCS)
};
Shared shared;

alignas(4096) sel4::IpcBuffer server_ipc;
alignas(16) char server_stack[16 * 1024];

// The server: answers each call with facts about what it received.
[[noreturn]] void serve(Word) {
    sel4::IpcBuffer &ipc = server_ipc;
    const Server server(ipc, shared.endpoint, shared.receive_slot, shared.reply);
    sel4::Received received = server.recv();
    for (;;) {
        const MessageInfo info = received.info;
        if (info.label() == signal_label)
            sel4::cap::Notification(shared.notification_badged).signal();
        Word sum = 0;
        for (Word i = 0; i < info.length(); ++i)
            sum += ipc.msg[i];
        const Word unwrapped_badge = (info.caps_unwrapped() & 1) ? ipc.caps_or_badges[0] : 0;
        ipc.msg[0] = sum;
        ipc.msg[1] = received.badge.value();
        ipc.msg[2] = info.extra_caps();
        ipc.msg[3] = info.caps_unwrapped();
        ipc.msg[4] = info.length();
        ipc.msg[5] = unwrapped_badge;
        const MessageInfo answer(info.label() + 1, 0, 0, 6);
#if !CPP_SEL4_CONFIG_KERNEL_MCS
        if (info.label() == saved_reply_label) {
            // Save the caller's reply capability, answer through it later, then receive.
            if (!sel4::init::cnode.with(ipc).save_caller(sel4::RelativeCPtr(shared.saved_reply)))
                sel4::debug::println("server: SaveCaller failed");
            sel4::cap::Endpoint(shared.saved_reply).with(ipc).send(answer);
            received = server.recv();
            continue;
        }
#endif
        received = server.reply_recv(answer);
    }
}

} // namespace

void test_main(const test_support::BootInfoHead *head) {
    Env env(head);
    const auto root = sel4::init::cnode;
    const auto endpoint = env.make<sel4::obj::Endpoint>(sel4::ObjectBlueprint::endpoint());
    const auto notification = env.make<sel4::obj::Notification>(sel4::ObjectBlueprint::notification());
    const Word badged_endpoint = env.alloc_slot();
    OK(root.mint(sel4::RelativeCPtr(badged_endpoint), root.absolute(endpoint), sel4::CapRights::all(), client_badge));
    shared.endpoint = endpoint.cptr();
    shared.receive_slot = env.alloc_slot();
    shared.notification_badged = env.alloc_slot();
    OK(root.mint(sel4::RelativeCPtr(shared.notification_badged), root.absolute(notification), sel4::CapRights::write(),
                 sel4::Badge(0x8)));
#if CPP_SEL4_CONFIG_KERNEL_MCS
    shared.reply = env.make(sel4::ObjectBlueprint::reply());
#endif
    shared.saved_reply = env.alloc_slot();
    const sel4::cap::Tcb server_tcb = start_thread(env, {serve, 0, server_stack + sizeof server_stack, &server_ipc});
    sel4::sys::debug_name_thread(sel4::ipc_buffer(), server_tcb.cptr(), "bindings-ipc-server");

    sel4::IpcBuffer &ipc = sel4::ipc_buffer();
    // 1. Seven words (three beyond the registers) and a notification capability.
    for (Word i = 0; i < 7; ++i)
        ipc.msg[i] = 100 + i;
    ipc.caps_or_badges[0] = notification.cptr();
    MessageInfo reply = sel4::cap::Endpoint(badged_endpoint).call(MessageInfo(0x42, 0, 1, 7));
    sel4::debug::println("reply: label {:#x} length {} words {} {:#x} {} {} {} {}", reply.label(), reply.length(),
                         ipc.msg[0], ipc.msg[1], ipc.msg[2], ipc.msg[3], ipc.msg[4], ipc.msg[5]);
    CHECK(reply.label() == 0x43 && reply.length() == 6);
    CHECK(ipc.msg[0] == 7 * 100 + 21); // every word arrived
    CHECK(ipc.msg[1] == client_badge.value());
    CHECK(ipc.msg[2] == 1 && ipc.msg[3] == 0 && ipc.msg[4] == 7);
    CHECK(sel4::sys::debug_cap_identify(shared.receive_slot) == sel4::sys::debug_cap_identify(notification.cptr()));

    // 2. A badged capability to the endpoint the message goes through is unwrapped: the
    // receiver gets its badge instead of a capability.
    ipc.msg[0] = 1;
    ipc.caps_or_badges[0] = badged_endpoint;
    reply = endpoint.call(MessageInfo(0x60, 0, 1, 1));
    CHECK(reply.label() == 0x61);
    CHECK(ipc.msg[1] == 0 && ipc.msg[2] == 1 && ipc.msg[3] == 1 && ipc.msg[5] == client_badge.value());

    // 3. Notifications: poll finds nothing, then the server signals (badge 0x8) while this
    // thread, which sent without waiting for a reply, blocks in wait.
    CHECK(notification.poll() == sel4::Badge());
    ipc.msg[0] = 0;
    endpoint.send(MessageInfo(signal_label, 0, 0, 1));
    CHECK(notification.wait() == sel4::Badge(0x8));
    CHECK(notification.poll() == sel4::Badge());

#if !CPP_SEL4_CONFIG_KERNEL_MCS
    // 4. A reply through a reply capability the server saved in its CSpace (SaveCaller).
    ipc.msg[0] = 5;
    reply = endpoint.call(MessageInfo(saved_reply_label, 0, 0, 1));
    CHECK(reply.label() == saved_reply_label + 1 && ipc.msg[0] == 5);
#endif
    test_support::pass();
}
