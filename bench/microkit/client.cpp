// The client of bench/microkit.sh in C++ (sel4::microkit's Handler API), the same as
// client.c: ROUNDS protected calls to the server while the handler is made (the PD's init),
// then a notify ping-pong of ROUNDS round trips counted in notified().
#include <sel4/microkit.hpp>

#include <sel4/debug.hpp>

#include <cstdint>

#include "counter.h"

namespace mk = sel4::microkit;

namespace {

constexpr mk::Channel server(0);
constexpr sel4::Word rounds = 10000;
constexpr sel4::Word warmup = 16;

// bench-microkit: <what> <rounds> rounds <ticks> ticks at <hz> Hz
void report(const char *what, std::uint64_t ticks) {
    sel4::debug::println("bench-microkit: {} {} rounds {} ticks at {} Hz", what, rounds, ticks, bench_counter_hz());
}

sel4::Word call(sel4::Word value) {
    mk::mr_set(0, value);
    (void)server.call(mk::message_info(0, 1));
    return mk::mr_get(0);
}

class Client : public mk::Handler {
public:
    void notified(mk::ChannelSet channels) {
        if (!channels.contains(server))
            return;
        if (++notify_rounds_ < rounds) {
            server.notify();
            return;
        }
        const std::uint64_t end = bench_counter();
        report("notify", end - notify_start_);
        sel4::debug::println("bench-microkit: done");
    }

    void start_notify() {
        notify_start_ = bench_counter();
        server.notify();
    }

private:
    std::uint64_t notify_start_ = 0;
    sel4::Word notify_rounds_ = 0;
};

Client make_client() {
    Client client;
    sel4::Word errors = 0;
    for (sel4::Word i = 0; i < warmup; ++i)
        errors += call(i) != i + 1;
    const std::uint64_t start = bench_counter();
    for (sel4::Word i = 0; i < rounds; ++i)
        errors += call(i) != i + 1;
    const std::uint64_t end = bench_counter();
    if (errors != 0) {
        sel4::debug::println("bench-microkit: wrong answers from the server");
        return client;
    }
    report("ppc", end - start);
    client.start_notify();
    return client;
}

} // namespace

SEL4_MICROKIT_PD(make_client)
