// bindings.mcs: scheduling contexts and reply objects. A thread without a scheduling
// context does not run; once one is configured (SchedControl) and bound, it runs,
// calls this root task, which answers through a reply object; NBSendWait and
// NBSendRecv reach it; its consumed time is then reported.
#include "env.hpp"
#include "thread_entry.hpp"

using namespace bindings_test;
using sel4::MessageInfo;

namespace {

struct Shared {
    Word endpoint;
    Word started;  // notification, badge 0x1
    Word answered; // notification, badge 0x2
};
Shared shared;

alignas(4096) sel4::IpcBuffer thread_ipc;
alignas(16) char thread_stack[16 * 1024];

[[noreturn]] void client(Word) {
    sel4::cap::Notification(shared.started).signal();
    thread_ipc.msg[0] = 40;
    const MessageInfo reply = sel4::cap::Endpoint(shared.endpoint).with(thread_ipc).call(MessageInfo(5, 0, 0, 1));
    if (reply.label() == 6 && thread_ipc.msg[0] == 42)
        sel4::cap::Notification(shared.answered).signal();
    // Then each message labelled 7 is answered with a signal of badge 0x1.
    for (;;)
        if (sel4::sys::wait(thread_ipc, shared.endpoint).info.label() == 7)
            sel4::cap::Notification(shared.started).signal();
}

} // namespace

void test_main(const test_support::BootInfoHead *head) {
    Env env(head);
    const auto root = sel4::init::cnode;
    const auto endpoint = env.make<sel4::obj::Endpoint>(sel4::ObjectBlueprint::endpoint());
    const auto notification = env.make<sel4::obj::Notification>(sel4::ObjectBlueprint::notification());
    const auto reply = env.make<sel4::obj::Reply>(sel4::ObjectBlueprint::reply());
    shared.endpoint = endpoint.cptr();
    shared.started = env.alloc_slot();
    shared.answered = env.alloc_slot();
    OK(root.mint(sel4::RelativeCPtr(shared.started), root.absolute(notification), sel4::CapRights::all(), sel4::Badge(0x1)));
    OK(root.mint(sel4::RelativeCPtr(shared.answered), root.absolute(notification), sel4::CapRights::all(), sel4::Badge(0x2)));

    // A thread at the root task's own priority, with no scheduling context yet.
    const auto tcb = env.make<sel4::obj::Tcb>(sel4::ObjectBlueprint::tcb());
    OK(tcb.configure(sel4::init::cnode, sel4::CNodeCapData(), sel4::init::vspace, 0, reinterpret_cast<Word>(&thread_ipc),
                     env.image_frame(&thread_ipc)));
    OK(tcb.set_sched_params(sel4::init::tcb, 255, 255, sel4::cap::SchedContext(), sel4::cap::Endpoint()));
    sel4::gen::UserContext regs{};
    set_entry(regs, reinterpret_cast<Word>(&client), reinterpret_cast<Word>(thread_stack + sizeof thread_stack), 0);
    OK(tcb.write_registers(true, 0, sizeof(regs) / sizeof(Word), regs));
    sel4::yield();
    CHECK(notification.poll() == sel4::Badge()); // it has not run

    // Configure a scheduling context (5 ms every 10 ms) and bind it: the thread runs.
    const auto sc = env.make<sel4::obj::SchedContext>(sel4::ObjectBlueprint::sched_context(sel4::gen::MinSchedContextBits));
    const sel4::cap::SchedControl sched_control(env.boot_info().sched_control().start);
    EXPECT_ERROR(sched_control.configure_flags(sc, 0, 10000, 0, sel4::Badge(), 0), sel4::Error::RangeError);
    OK(sched_control.configure_flags(sc, 5000, 10000, 0, sel4::Badge(), 0));
    OK(sc.bind(tcb));
    CHECK(notification.wait() == sel4::Badge(0x1));

    // Its call arrives; the answer goes back through the reply object.
    const sel4::Received received = endpoint.recv(reply);
    CHECK(received.info.label() == 5 && sel4::ipc_buffer().msg[0] == 40);
    sel4::ipc_buffer().msg[0] = 42;
    reply.send(MessageInfo(6, 0, 0, 1));
    CHECK(notification.wait() == sel4::Badge(0x2));

    // NBSendWait and NBSendRecv: send to the waiting thread, then wait on the notification
    // it signals.
    CHECK(endpoint.nb_send_wait(MessageInfo(7, 0, 0, 0), notification).badge == sel4::Badge(0x1));
    CHECK(endpoint.nb_send_recv(MessageInfo(7, 0, 0, 0), notification, reply).badge == sel4::Badge(0x1));

    const std::uint64_t consumed = OK(sc.consumed());
    sel4::debug::println("the thread consumed {} us of its scheduling context", consumed);
    OK(sc.unbind());
    EXPECT_ERROR(sc.unbind_object(tcb), sel4::Error::IllegalOperation); // no longer bound
    test_support::pass();
}
