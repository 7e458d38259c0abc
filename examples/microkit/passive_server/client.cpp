// The client of the passive server in C++ (client.c's calls), on sel4::microkit's Handler
// API: its maker (its init) makes the protected calls, on the client's own scheduling
// context, with the operands in message registers, and checks every answer.
#include <sel4/microkit.hpp>

#include <sel4/debug.hpp>

#include "protocol.h"

namespace mk = sel4::microkit;

namespace {

constexpr mk::Channel server(1);

class Client : public mk::Handler {
public:
    Client() {
        sel4::debug::println("client: calling the passive server (C++)");

        for (sel4::Word i = 0; i < 5; ++i) {
            mk::mr_set(0, 1000 + i);
            mk::mr_set(1, 7 + i);
            const sel4::MessageInfo answer = server.call(mk::message_info(OP_ADD_MUL, 2));
            check("add/mul label", answer.label(), REPLY_OK);
            check("add/mul count", answer.length(), 2);
            check("sum of two", mk::mr_get(0), 1007 + 2 * i);
            check("product of two", mk::mr_get(1), (1000 + i) * (7 + i));
        }

        for (unsigned i = 0; i < 10; ++i)
            mk::mr_set(i, (i + 1) * (i + 1));
        sel4::MessageInfo answer = server.call(mk::message_info(OP_SUM, 10));
        check("sum label", answer.label(), REPLY_OK);
        check("sum of squares 1..10", mk::mr_get(0), 385);
        check("operand count", mk::mr_get(1), 10);

        answer = server.call(mk::message_info(99, 0));
        check("unknown operation", answer.label(), REPLY_BAD_OP);

        answer = server.call(mk::message_info(OP_CALLS, 0));
        check("calls label", answer.label(), REPLY_OK);
        check("calls answered before", mk::mr_get(0), 7);

        if (failures_ == 0) {
            sel4::debug::println("client: 8 calls answered correctly by the passive server");
            sel4::debug::println("passive_server-cpp: test passed");
        } else {
            sel4::debug::println("passive_server-cpp: test FAILED ({} checks failed)", failures_);
        }
    }

    void notified(mk::ChannelSet) {}

private:
    void check(const char *what, sel4::Word got, sel4::Word expected) {
        if (got != expected) {
            sel4::debug::println("client: FAIL: {}: got {}, expected {}", what, got, expected);
            ++failures_;
        }
    }

    unsigned failures_ = 0;
};

Client make_client() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_client)
