// The passive server in C++ (server.c's protocol, protocol.h), on sel4::microkit's Handler
// API: the maker is its init, which runs on the server's own scheduling context; the event
// loop then hands that context back to the monitor (passive="true"), and protected_call()
// runs only on the scheduling context of the client that calls it.
#include <sel4/microkit.hpp>

#include <sel4/debug.hpp>

#include "protocol.h"

namespace mk = sel4::microkit;

namespace {

constexpr mk::Channel client(3);

class Server : public mk::Handler {
public:
    sel4::MessageInfo protected_call(mk::Channel channel, sel4::MessageInfo info) {
        if (channel != client)
            return mk::message_info(REPLY_BAD_CHANNEL, 0);
        const sel4::Word answered = calls_++;
        switch (info.label()) {
        case OP_ADD_MUL: {
            const sel4::Word a = mk::mr_get(0);
            const sel4::Word b = mk::mr_get(1);
            mk::mr_set(0, a + b);
            mk::mr_set(1, a * b);
            return mk::message_info(REPLY_OK, 2);
        }
        case OP_SUM: {
            const sel4::Word count = info.length();
            sel4::Word sum = 0;
            for (sel4::Word i = 0; i < count; ++i)
                sum += mk::mr_get(static_cast<unsigned>(i));
            mk::mr_set(0, sum);
            mk::mr_set(1, count);
            return mk::message_info(REPLY_OK, 2);
        }
        case OP_CALLS:
            mk::mr_set(0, answered);
            return mk::message_info(REPLY_OK, 1);
        default:
            return mk::message_info(REPLY_BAD_OP, 0);
        }
    }

    void notified(mk::ChannelSet channels) {
        for (mk::Channel channel : channels)
            sel4::debug::println("server: unexpected notification on channel {}", channel.id());
    }

private:
    sel4::Word calls_ = 0;
};

Server make_server() {
    sel4::debug::println("server: init (C++), becoming passive");
    return {};
}

} // namespace

SEL4_MICROKIT_PD(make_server)
