// The receiver of microkit.deferred's C++ part: asks its sender for the two notifies, checks
// that it saw step 1 on the plain one and step 3 on the deferred one, and then tells the
// checker (receiver.c) with a deferred notify of its own.
#include <sel4/microkit.hpp>

#include <sel4/debug.hpp>

#include <array>

namespace mk = sel4::microkit;

SEL4_MICROKIT_MEMORY_REGION(steps, const volatile sel4::Word, 0x1000)

namespace {

constexpr mk::Channel sender(0);
constexpr mk::Channel checker(1);

class Receiver : public mk::Handler {
public:
    Receiver() {
        sel4::debug::println("receiver_cpp: asking the sender for its notifies");
        sender.notify();
    }

    void notified(mk::ChannelSet channels) {
        if (!channels.contains(sender) || channels.size() != 1) {
            sel4::debug::println("receiver_cpp: unexpected notification ({:#x})", channels.bits());
            return;
        }
        if (count_ < seen_.size())
            seen_[count_] = steps[0];
        if (++count_ != seen_.size())
            return;
        sel4::debug::println("receiver_cpp: saw step {} on the notify, step {} on the deferred notify", seen_[0],
                             seen_[1]);
        if (seen_[0] == 1 && seen_[1] == 3) {
            sel4::debug::println("deferred: C++ notify passed");
            checker.defer_notify();
        } else {
            sel4::debug::println("deferred: FAIL: expected steps 1 and 3");
            sel4::debug::println("deferred: test FAILED");
        }
    }

private:
    std::array<sel4::Word, 2> seen_{};
    std::size_t count_ = 0;
};

Receiver make_receiver() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_receiver)
