// The hub of microkit.channels: one channel to each of 62 peers, ids 0..61, every id a PD
// may have. Its init notifies every peer (each, of higher priority, notifies back at once);
// once all 62 have answered it makes a protected call through every channel, and each peer
// answers with the number in its name (peer_<id>), so each answer is known to come from the
// peer at the other end of that channel.
#include <sel4/microkit.hpp>

#include <sel4/debug.hpp>

namespace mk = sel4::microkit;

namespace {

constexpr unsigned channel_count = mk::max_channels;
constexpr sel4::Word all_channels = ~sel4::Word{0} >> (64 - channel_count);

class Hub : public mk::Handler {
public:
    Hub() {
        for (unsigned id = 0; id < channel_count; ++id)
            mk::Channel(id).notify();
        sel4::debug::println("hub: notified {} peers", channel_count);
    }

    void notified(mk::ChannelSet channels) {
        for (mk::Channel channel : channels) {
            if (answered_.contains(channel)) {
                sel4::debug::println("hub: FAIL: peer of channel {} answered twice", channel.id());
                ++failures_;
            }
            answered_ = answered_.with(channel);
        }
        if (answered_.bits() != all_channels || called_)
            return;
        called_ = true;
        sel4::debug::println("hub: {} distinct peers answered the notifications", answered_.size());
        call_every_peer();
    }

private:
    void call_every_peer() {
        unsigned correct = 0;
        for (unsigned id = 0; id < channel_count; ++id) {
            const mk::Channel channel(id);
            mk::mr_set(0, 1000 + id);
            const sel4::MessageInfo answer = channel.call(mk::message_info(id, 1));
            if (answer.label() == 0 && answer.length() == 2 && mk::mr_get(0) == id && mk::mr_get(1) == 1000 + id) {
                ++correct;
            } else {
                sel4::debug::println("hub: FAIL: channel {}: label {}, {} words, peer {}, echo {}", id, answer.label(),
                                     answer.length(), mk::mr_get(0), mk::mr_get(1));
                ++failures_;
            }
        }
        sel4::debug::println("hub: {} protected calls answered by the right peers", correct);
        if (correct == channel_count && failures_ == 0)
            sel4::debug::println("channels: test passed");
        else
            sel4::debug::println("channels: test FAILED");
    }

    mk::ChannelSet answered_;
    bool called_ = false;
    unsigned failures_ = 0;
};

Hub make_hub() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_hub)
