// The sender of microkit.deferred's C++ part (sender.c on sel4::microkit's Handler API):
// when its receiver (of higher priority) asks, it writes step 1, notifies, writes step 2,
// defers a notify (Channel::defer_notify), writes step 3 and returns; the event loop sends the
// deferred signal with its next receive, so the receiver sees step 1, then step 3.
#include <sel4/microkit.hpp>

#include <sel4/debug.hpp>

namespace mk = sel4::microkit;

SEL4_MICROKIT_MEMORY_REGION(steps, volatile sel4::Word, 0x1000)

namespace {

constexpr mk::Channel receiver(0);

struct Sender : mk::Handler {
    void notified(mk::ChannelSet channels) {
        if (!channels.contains(receiver)) {
            sel4::debug::println("sender_cpp: unexpected notification");
            return;
        }
        steps[0] = 1;
        receiver.notify();
        steps[0] = 2;
        receiver.defer_notify();
        if (!mk::has_deferred_action())
            sel4::debug::println("sender_cpp: FAIL: no deferred action pending");
        steps[0] = 3;
    }
};

Sender make_sender() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_sender)
