// pong of async.ping-pong: takes ping's requests, checks each one (sequence number, length,
// every payload byte), and answers it in one of its own buffers with the sequence number,
// its notification and wake-up counts so far and the payload inverted. It needs a request
// and a free reply buffer for each answer; it waits only after asking for notifications on
// both queues and finding one of them still empty, and notifies ping only when ping asked.
// The work is one task on sel4::async's executor, as ping's.
#include "protocol.hpp"

using namespace ping_pong;

namespace {
sel4::async::FramePool<frame_pool_bytes> frames; // the task's frame
} // namespace

namespace {

class Pong : public Side {
public:
    Pong() {
        // Pong owns the reply buffers: all of them start in the free queue.
        if (reply_data_.size < capacity * net::buffer_size || replies_.fill_free(0, capacity) != capacity)
            fail("the reply buffers do not fit");
        start(serve());
    }

private:
    sel4::async::Task<void> serve() {
        for (;;) {
            answer();
            const bool replies_for_ping = replies_.active.should_notify();
            const bool buffers_for_ping = requests_.free.should_notify();
            if (replies_for_ping || buffers_for_ping) {
                peer.defer_notify();
                ++notifications_;
            }
            // An answer needs both a request and a reply buffer: wait while either is missing.
            const bool no_requests = requests_.active.request_signal_if_empty();
            const bool no_buffers = replies_.free.request_signal_if_empty();
            if (no_requests || no_buffers)
                co_await executor_.wait(peer.bit());
        }
    }

    void answer() {
        std::array<std::byte, max_length> bytes;
        while (!replies_.free.empty()) {
            auto request = requests_.active.dequeue();
            if (!request)
                return;
            const std::uint64_t seq = answered_;
            if (request->len != length(seq))
                fail("a request of the wrong length", seq);
            if (!buffer_of(request_data_, *request, seq).copy_out(0, std::span(bytes).first(request->len)))
                fail("copy_out refused", seq);
            if (word_at<std::uint64_t>(bytes, 0) != seq)
                fail("a request out of order", seq);
            for (std::size_t i = 8; i < request->len; ++i)
                if (bytes[i] != request_byte(seq, i))
                    fail("a request's payload is wrong", seq);
            // The request buffer goes back to ping at once; the answer goes in one of pong's.
            if (!requests_.free.enqueue({.io_or_offset = request->io_or_offset, .len = 0, .oid = 0}))
                fail("the request free queue is full", seq);
            auto reply = replies_.free.dequeue(); // pong is its only consumer: still there
            if (!reply)
                fail("the reply buffer went away", seq);
            reply->len = request->len;
            put_word<std::uint32_t>(bytes, 8, static_cast<std::uint32_t>(notifications_));
            put_word<std::uint32_t>(bytes, 12, static_cast<std::uint32_t>(wakeups_));
            for (std::size_t i = header_bytes; i < reply->len; ++i)
                bytes[i] = ~bytes[i];
            if (!buffer_of(reply_data_, *reply, seq).copy_in(0, std::span(bytes).first(reply->len)))
                fail("copy_in refused", seq);
            if (!replies_.active.enqueue(*reply))
                fail("the reply queue is full with a buffer in hand", seq);
            ++answered_;
        }
    }

    std::uint64_t answered_ = 0;
};

Pong make_pong() { return Pong(); }

} // namespace

SEL4_MICROKIT_PD(make_pong)
