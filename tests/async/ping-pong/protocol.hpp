// What ping and pong of async.ping-pong agree on: the number of messages, the queues'
// capacity, the layout of a message in its buffer, and the bytes each message carries, so
// that every side can check every byte it receives.
//
// A request (ping's buffer, in the region `requests_data`): its sequence number (8 bytes),
// then `length(seq) - 8` bytes, byte i being request_byte(seq, i). The reply (pong's buffer,
// in `replies_data`): the sequence number, pong's count of notifications sent and of
// wake-ups so far (4 bytes each), then the request's bytes from 16 on, each inverted. After
// the 100,000 one more message, the final one (sequence number 100,000), is sent only once
// every reply is in: its reply carries pong's counts of the 100,000's notifications.
#pragma once

#include <sel4/async.hpp>
#include <sel4/debug.hpp>
#include <sel4/microkit.hpp>
#include <sel4/queue/net.hpp>
#include <sel4/runtime/abort.hpp>
#include <sel4/shared_memory.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <utility>

namespace ping_pong {

namespace mk = sel4::microkit;
namespace net = sel4::queue::net;
namespace sm = sel4::shared_memory;

inline constexpr std::uint32_t messages = 100'000; ///< Each way.
inline constexpr std::uint32_t capacity = 64;      ///< Of each queue; also the buffers per side.
inline constexpr std::size_t header_bytes = 16;    ///< A reply's header; a request's is 8.
inline constexpr std::size_t max_length = 24 + 199;
inline constexpr std::size_t frame_pool_bytes = 1024; ///< Per PD: its one task.

/// The channel between the two (id 0 at both ends).
inline constexpr mk::Channel peer(0);

/// The bytes of message `seq`.
constexpr std::size_t length(std::uint64_t seq) noexcept { return 24 + seq % 200; }
/// Byte `i` (>= 8) of request `seq`.
constexpr std::byte request_byte(std::uint64_t seq, std::size_t i) noexcept {
    return static_cast<std::byte>((seq * 131 + i * 7 + (seq >> 8)) & 0xff);
}

/// Ends the PD with the test runner's failure line.
[[noreturn]] inline void fail(const char *what, std::uint64_t seq = 0) noexcept {
    sel4::debug::println("ping-pong: FAIL: {} (message {})", what, seq);
    sel4_runtime::fatal("ping-pong: ", what);
}

/// The region a map's setvar_vaddr and setvar_size describe.
inline sm::Region region(const mk::Variable<sel4::Word> &vaddr, const mk::Variable<sel4::Word> &size) noexcept {
    return sm::Region::at_address(vaddr.get(), size.get());
}

/// The queue pair in the two regions, or the PD ends.
inline net::QueuePair attach(sm::Region free, sm::Region active, const char *name) noexcept {
    auto pair = net::QueuePair::attach(free, active, capacity);
    if (!pair) {
        sel4::debug::println("ping-pong: {} queues: {}", name, sel4::queue::describe(pair.error()));
        fail("a queue pair does not attach");
    }
    return *pair;
}

/// The `len` bytes of a descriptor's buffer in `data`, checked against the region, or the PD ends.
inline sm::Region buffer_of(sm::Region data, const net::BufferDescriptor &buffer, std::uint64_t seq) noexcept {
    if (buffer.io_or_offset % net::buffer_size != 0)
        fail("a buffer's offset is not a multiple of the buffer size", seq);
    auto bytes = data.subregion(buffer.io_or_offset, buffer.len);
    if (!bytes || buffer.len > net::buffer_size)
        fail("a buffer reaches past its data region", seq);
    return *bytes;
}

/// A word of a message's bytes.
template <class T> T word_at(std::span<const std::byte> bytes, std::size_t offset) noexcept {
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof value);
    return value;
}
template <class T> void put_word(std::span<std::byte> bytes, std::size_t offset, T value) noexcept {
    std::memcpy(bytes.data() + offset, &value, sizeof value);
}

} // namespace ping_pong

// The regions of the two queue pairs and data regions (setvar_vaddr, setvar_size): each PD's
// one source file includes this.
SEL4_MICROKIT_VARIABLE(requests_free_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(requests_free_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(requests_active_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(requests_active_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(requests_data_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(requests_data_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(replies_free_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(replies_free_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(replies_active_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(replies_active_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(replies_data_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(replies_data_size, sel4::Word)

namespace ping_pong {

/// What ping and pong both are: the two queue pairs and data regions, attached from the
/// setvars, and an executor running the side's one task, woken by the peer's notifications.
class Side : public mk::Handler {
public:
    /// The peer's notification: wakes the task and runs it until it waits again.
    void notified(mk::ChannelSet channels) {
        if (channels.bits() != peer.bit())
            fail("a notification from another channel");
        ++wakeups_;
        executor_.wake(channels.bits());
        executor_.run_until_stalled();
    }

protected:
    Side()
        : requests_(attach(region(requests_free_vaddr, requests_free_size),
                           region(requests_active_vaddr, requests_active_size), "request")),
          replies_(attach(region(replies_free_vaddr, replies_free_size),
                          region(replies_active_vaddr, replies_active_size), "reply")),
          request_data_(region(requests_data_vaddr, requests_data_size)),
          reply_data_(region(replies_data_vaddr, replies_data_size)) {}

    /// Spawns the side's task and runs it until it first waits.
    void start(sel4::async::Task<void> work) {
        auto task = executor_.spawn(std::move(work));
        if (!task)
            fail("the task's frame does not fit in the frame pool");
        task_ = std::move(*task);
        executor_.run_until_stalled();
    }

    net::QueuePair requests_; ///< ping -> pong: active the requests, free the request buffers back
    net::QueuePair replies_;  ///< pong -> ping: active the replies, free the reply buffers back
    sm::Region request_data_; ///< ping's buffers (ping writes, pong reads)
    sm::Region reply_data_;   ///< pong's buffers (pong writes, ping reads)
    std::uint64_t notifications_ = 0, wakeups_ = 0; ///< Sent to the peer; wake-ups by it.
    sel4::async::Executor executor_;
    sel4::async::JoinHandle<void> task_;
};

/// `whole / parts` with two decimals, for the benchmark's line.
struct Ratio {
    std::uint64_t whole, parts;
};
inline void print_ratio(Ratio r) noexcept {
    const std::uint64_t hundredths = r.parts == 0 ? 0 : (r.whole * 100 + r.parts / 2) / r.parts;
    sel4::debug::print("{}.{}{}", hundredths / 100, hundredths / 10 % 10, hundredths % 10);
}

} // namespace ping_pong
