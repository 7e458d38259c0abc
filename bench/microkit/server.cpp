// The server of bench/microkit.sh in C++, the same as server.c: answers a protected call
// with its one message register plus one, and a notification with a notification back.
#include <sel4/microkit.hpp>

namespace mk = sel4::microkit;

namespace {

struct Server : mk::Handler {
    sel4::MessageInfo protected_call(mk::Channel, sel4::MessageInfo) {
        mk::mr_set(0, mk::mr_get(0) + 1);
        return mk::message_info(0, 1);
    }
    void notified(mk::ChannelSet channels) {
        for (mk::Channel channel : channels)
            channel.notify();
    }
};

Server make_server() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_server)
