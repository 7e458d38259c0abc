// Two threads talk through seL4's IPC: a client calls a server on an endpoint, sends it a
// capability to a notification in the same message, and the server answers, then signals
// the notification through the capability it received. Badges tell who is calling and who
// signalled. The kernel objects come from the runtime's allocator (sel4_runtime::allocator());
// invocations are methods of typed capabilities and return std::expected-like results.
#include <sel4/runtime/root_task.hpp>
#include <sel4/runtime/threads.hpp>

#include <cstdlib>
#include <iostream>
#include <thread>

namespace {

constexpr sel4::Badge client_badge{42};  // the server sees it on every call from the client
constexpr sel4::Badge signal_badge{0x5}; // the client sees it when the notification is signalled
constexpr sel4::Word add_label = 1;      // the server's one operation: add two numbers
constexpr sel4::Word stop_label = 2;

// Stops the example on a failed invocation.
template <class Result> auto checked(Result result, const char *what) {
    if (!result) {
        std::cout << what << " failed: error " << static_cast<int>(result.error()) << '\n';
        std::exit(1);
    }
    if constexpr (!std::is_void_v<typename Result::value_type>) {
        return *result;
    }
}

// Serves add_label calls until a stop_label one. `receive_slot` is an empty slot of the root
// CNode, where the kernel puts the capability a message carries.
void serve(sel4::cap::Endpoint endpoint, sel4::Word receive_slot) {
    sel4::IpcBuffer &ipc = sel4::ipc_buffer(); // this thread's own IPC buffer
#if CPP_SEL4_CONFIG_KERNEL_MCS
    // On MCS kernels a receive names the reply object that will answer the caller.
    auto reply = sel4::cap::Reply(checked(sel4_runtime::allocator().allocate(sel4::ObjectBlueprint::reply()),
                                          "allocating a reply object"));
#endif
    for (;;) {
        ipc.receive_cnode = sel4::init::cnode.cptr(); // where a received capability goes
        ipc.receive_index = receive_slot;
        ipc.receive_depth = sel4::gen::WordBits;
#if CPP_SEL4_CONFIG_KERNEL_MCS
        sel4::Received message = endpoint.recv(reply);
#else
        sel4::Received message = endpoint.recv();
#endif
        if (message.info.label() == stop_label) {
            std::cout << "server: stopping\n";
            return;
        }
        const sel4::Word a = ipc.msg[0], b = ipc.msg[1];
        std::cout << "server: call from badge " << message.badge.value() << ": " << a << " + " << b << ", with "
                  << message.info.extra_caps() << " capability\n";
        ipc.msg[0] = a + b;
#if CPP_SEL4_CONFIG_KERNEL_MCS
        reply.send(sel4::MessageInfo(0, 0, 0, 1));
#else
        sel4::reply(sel4::MessageInfo(0, 0, 0, 1));
#endif
        if (message.info.extra_caps() == 1) {
            sel4::cap::Notification(receive_slot).signal(); // through the capability it was sent
        }
    }
}

int ipc_main(const sel4::BootInfo &) {
    sel4::alloc::Allocator &alloc = sel4_runtime::allocator();
    auto endpoint = sel4::cap::Endpoint(checked(alloc.allocate(sel4::ObjectBlueprint::endpoint()), "an endpoint"));
    auto notification =
        sel4::cap::Notification(checked(alloc.allocate(sel4::ObjectBlueprint::notification()), "a notification"));

    // Badged copies: the client calls through one (with the grant right, which sending a
    // capability needs), and sends the other, which may only signal, to the server. The
    // CNode invocations name slots as seL4's manual does: a destination path from the
    // invoked CNode, a source slot with its CNode.
    const sel4::Word client_slot = checked(alloc.allocate_slot(), "a slot");
    checked(sel4::init::cnode.mint(sel4::RelativeCPtr(client_slot), sel4::init::cnode.absolute(endpoint),
                                   sel4::CapRights::write().with_grant(), client_badge),
            "minting the client's endpoint");
    const sel4::Word signal_slot = checked(alloc.allocate_slot(), "a slot");
    checked(sel4::init::cnode.mint(sel4::RelativeCPtr(signal_slot), sel4::init::cnode.absolute(notification),
                                   sel4::CapRights::write(), signal_badge),
            "minting the notification for the server");

    std::thread server(serve, endpoint, checked(alloc.allocate_slot(), "a slot"));

    auto client = sel4::cap::Endpoint(client_slot);
    sel4::IpcBuffer &ipc = sel4::ipc_buffer();
    ipc.msg[0] = 20;
    ipc.msg[1] = 22;
    ipc.caps_or_badges[0] = signal_slot; // the capability the message carries
    sel4::MessageInfo answer = client.call(sel4::MessageInfo(add_label, 0, 1, 2));
    const sel4::Word sum = ipc.msg[0];
    std::cout << "client: the server says " << sum << " (" << answer.length() << " word)\n";

    sel4::Badge badge = notification.wait(); // the server signals through the capability it got
    std::cout << "client: notification signalled with badge " << badge.value() << '\n';

    client.send(sel4::MessageInfo(stop_label, 0, 0, 0)); // a send: it expects no answer
    server.join();
    return sum == 42 && badge == signal_badge ? 0 : 1;
}

} // namespace

SEL4_ROOT_TASK_MAIN(ipc_main)
