// ping of async.ping-pong: sends 100,000 requests to pong through a net queue pair (active:
// the requests, in ping's buffers; free: the buffers coming back) and checks every reply,
// which comes through the other pair (pong's buffers). Notifies pong only when pong asked for
// it (the queues' signalling protocol), and waits only after asking for a notification and
// finding its queues still empty. After the last reply one more request, the final one, asks
// pong for its counts (in its reply): then ping prints messages per notification each way,
// counted over the 100,000, and the success line.
//
// The work is one task on sel4::async's executor: it waits for pong's notification with
// `co_await executor.wait(channel bit)`; notified() wakes it and runs the executor.
#include "protocol.hpp"

using namespace ping_pong;

namespace {
sel4::async::FramePool<frame_pool_bytes> frames; // the task's frame
} // namespace

namespace {

class Ping : public Side {
public:
    Ping() {
        // Ping owns the request buffers: all of them start in the free queue.
        if (request_data_.size < capacity * net::buffer_size || requests_.fill_free(0, capacity) != capacity)
            fail("the request buffers do not fit");
        start(exchange());
    }

private:
    // Works until nothing is left to do, asks for the notifications it waits for, waits.
    sel4::async::Task<void> exchange() {
        for (;;) {
            take_replies();
            send_requests();
            // One notification for the whole batch, and only if pong asked for it.
            const bool requests_for_pong = requests_.active.should_notify();
            const bool buffers_for_pong = replies_.free.should_notify();
            if (requests_for_pong || buffers_for_pong) {
                peer.defer_notify();
                ++notifications_;
            }
            if (received_ == messages + 1)
                break;
            const bool no_replies = replies_.active.request_signal_if_empty();
            const bool no_buffers = sent_ >= send_limit() || requests_.free.request_signal_if_empty();
            if (no_replies && no_buffers)
                co_await executor_.wait(peer.bit());
        }
        finish();
    }

    void send_requests() {
        std::array<std::byte, max_length> bytes;
        while (sent_ < send_limit()) {
            auto buffer = requests_.free.dequeue();
            if (!buffer)
                return;
            const std::uint64_t seq = sent_;
            if (seq == messages) // the final request: the counts of the 100,000 stop here
                notifications_counted_ = notifications_;
            buffer->len = static_cast<std::uint16_t>(length(seq));
            put_word<std::uint64_t>(bytes, 0, seq);
            for (std::size_t i = 8; i < buffer->len; ++i)
                bytes[i] = request_byte(seq, i);
            if (!buffer_of(request_data_, *buffer, seq).copy_in(0, std::span(bytes).first(buffer->len)))
                fail("copy_in refused", seq);
            if (!requests_.active.enqueue(*buffer))
                fail("the request queue is full with a buffer in hand", seq);
            ++sent_;
        }
    }

    void take_replies() {
        std::array<std::byte, max_length> bytes;
        while (auto reply = replies_.active.dequeue()) {
            const std::uint64_t seq = received_;
            if (reply->len != length(seq))
                fail("a reply of the wrong length", seq);
            if (!buffer_of(reply_data_, *reply, seq).copy_out(0, std::span(bytes).first(reply->len)))
                fail("copy_out refused", seq);
            if (word_at<std::uint64_t>(bytes, 0) != seq)
                fail("a reply out of order", seq);
            for (std::size_t i = header_bytes; i < reply->len; ++i)
                if (bytes[i] != ~request_byte(seq, i))
                    fail("a reply's payload is wrong", seq);
            pong_notifications_ = word_at<std::uint32_t>(bytes, 8);
            pong_wakeups_ = word_at<std::uint32_t>(bytes, 12);
            ++received_;
            // The buffer goes back to pong, its owner.
            if (!replies_.free.enqueue({.io_or_offset = reply->io_or_offset, .len = 0, .oid = 0}))
                fail("the reply free queue is full", seq);
        }
    }

    // The messages: 100,000, then the final one once all their replies are in.
    std::uint32_t send_limit() const noexcept { return received_ >= messages ? messages + 1 : messages; }

    void finish() {
        sel4::debug::print("ping-pong: messages per notification: ping->pong ");
        print_ratio({messages, notifications_counted_});
        sel4::debug::print(" ({} notifications), pong->ping ", notifications_counted_);
        print_ratio({messages, pong_notifications_});
        sel4::debug::println(" ({} notifications); wake-ups: ping {}, pong {}", pong_notifications_, wakeups_,
                             pong_wakeups_);
        const sel4::async::FramePoolStats &pool = frames.stats();
        sel4::debug::println("ping-pong: ping's frame pool: task frame {} bytes; at most {} bytes in {} blocks (with the executor's record)",
                             pool.largest_frame, pool.high_water_bytes, pool.high_water_blocks);
        sel4::debug::println("ping-pong: {} requests and {} replies checked (with the final one)", sent_, received_);
        sel4::debug::println("ping-pong: test passed");
    }

    std::uint32_t sent_ = 0, received_ = 0;
    std::uint64_t notifications_counted_ = 0;
    std::uint32_t pong_notifications_ = 0, pong_wakeups_ = 0;
};

Ping make_ping() { return Ping(); }

} // namespace

SEL4_MICROKIT_PD(make_ping)
