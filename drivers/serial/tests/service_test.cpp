// The serial driver's work (src/service.hpp) against a fake UART with FIFOs of a real UART's
// depth, which QEMU's UARTs do not model (their transmit FIFO never fills): the receive FIFO
// drained into rx, rx's back-pressure (stall, the receive interrupt masked, the client's
// notification asked for, the resumption), the transmit FIFO filled from tx with its
// interrupt on while bytes wait, and the client told about room only when it asked.
#include "service.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sq = sel4::queue::serial;
using serial_driver::Received;
using serial_driver::Service;

namespace {

// A UART: a receive FIFO the test fills (the line's bytes wait beyond it, as QEMU holds them),
// a transmit FIFO of `depth` that the test drains (the line), and the two interrupt enables.
struct FakeUart {
    struct State {
        std::deque<std::byte> line_in;  // bytes still to arrive
        std::deque<std::byte> rx_fifo;
        std::deque<std::byte> tx_fifo;
        std::string line_out;           // bytes sent on the line
        std::size_t depth = 16;
        bool rx_interrupt = false, tx_interrupt = false;
        std::size_t errors_at = ~std::size_t{0}; // the index of a byte received with an error
        std::size_t taken = 0;

        void arrive() {
            while (rx_fifo.size() < depth && !line_in.empty()) {
                rx_fifo.push_back(line_in.front());
                line_in.pop_front();
            }
        }
        void transmit_all() {
            for (std::byte b : tx_fifo)
                line_out.push_back(static_cast<char>(b));
            tx_fifo.clear();
        }
    };
    std::shared_ptr<State> state;

    std::optional<Received> receive() {
        state->arrive();
        if (state->rx_fifo.empty())
            return std::nullopt;
        const std::byte b = state->rx_fifo.front();
        state->rx_fifo.pop_front();
        return Received{b, state->taken++ == state->errors_at};
    }
    bool can_send() { return state->tx_fifo.size() < state->depth; }
    void send(std::byte b) { state->tx_fifo.push_back(b); }
    void receive_interrupt(bool on) { state->rx_interrupt = on; }
    void send_interrupt(bool on) { state->tx_interrupt = on; }
};

struct Rig {
    static constexpr std::uint32_t capacity = 64;
    // Zeroed, 8-aligned stand-ins for the four shared regions.
    std::vector<std::uint64_t> rx_queue = std::vector<std::uint64_t>(2), rx_data = std::vector<std::uint64_t>(capacity / 8),
                               tx_queue = std::vector<std::uint64_t>(2), tx_data = std::vector<std::uint64_t>(capacity / 8);
    static sel4::shared_memory::Region region(std::vector<std::uint64_t> &words) {
        return {reinterpret_cast<std::byte *>(words.data()), words.size() * 8};
    }
    sq::QueuePair queues() {
        return {*sq::Queue::attach(region(rx_queue), region(rx_data), capacity),
                *sq::Queue::attach(region(tx_queue), region(tx_data), capacity)};
    }
    std::shared_ptr<FakeUart::State> uart = std::make_shared<FakeUart::State>();
    sq::QueuePair client = queues(); // the client's handles on the same memory
    Service<FakeUart> driver{queues(), FakeUart{uart}};

    void type(const std::string &text) {
        for (char c : text)
            uart->line_in.push_back(static_cast<std::byte>(c));
    }
    std::string read_all() {
        std::string out;
        while (auto b = client.rx.dequeue())
            out.push_back(static_cast<char>(*b));
        return out;
    }
};

std::string pattern(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s.push_back(static_cast<char>('a' + i % 26));
    return s;
}

TEST(Service, ReceivesIntoRxAndTellsTheClient) {
    Rig rig;
    EXPECT_TRUE(rig.uart->rx_interrupt);
    EXPECT_FALSE(rig.driver.service()); // nothing yet
    rig.type("hello");
    EXPECT_TRUE(rig.driver.service());
    EXPECT_EQ(rig.read_all(), "hello");
    EXPECT_EQ(rig.driver.counters().received, 5u);
}

TEST(Service, AFullRxStallsTheUartUntilTheClientReads) {
    Rig rig;
    const std::string text = pattern(150); // more than rx's 64
    rig.type(text);
    EXPECT_TRUE(rig.driver.service());
    EXPECT_TRUE(rig.driver.rx_stalled());
    EXPECT_FALSE(rig.uart->rx_interrupt); // masked while rx is full
    EXPECT_EQ(rig.client.rx.length(), Rig::capacity);
    rig.uart->arrive();
    EXPECT_EQ(rig.uart->rx_fifo.size(), 16u); // the FIFO holds what came next
    // The client reads, sees the driver's request and notifies; the driver drains again.
    std::string got = rig.read_all();
    EXPECT_TRUE(rig.client.rx.should_signal_producer());
    EXPECT_TRUE(rig.driver.service());
    got += rig.read_all();
    EXPECT_TRUE(rig.driver.rx_stalled());                 // full again: 128 of 150 so far
    EXPECT_TRUE(rig.client.rx.should_signal_producer());
    EXPECT_TRUE(rig.driver.service());
    got += rig.read_all();
    EXPECT_FALSE(rig.driver.rx_stalled());
    EXPECT_TRUE(rig.uart->rx_interrupt);
    EXPECT_EQ(got, text);
    EXPECT_EQ(rig.driver.counters().rx_stalls, 1u); // one stall, over two reads of the client
}

TEST(Service, TransmitFillsTheFifoAndWaitsForItsInterrupt) {
    Rig rig;
    const std::string text = pattern(40);
    ASSERT_EQ(rig.client.tx.enqueue_batch(std::as_bytes(std::span(text.data(), text.size()))), 40u);
    rig.client.tx.cancel_signal(); // the client did not ask for room
    EXPECT_FALSE(rig.driver.service());
    EXPECT_EQ(rig.uart->tx_fifo.size(), 16u);
    EXPECT_TRUE(rig.driver.tx_waiting());
    EXPECT_TRUE(rig.uart->tx_interrupt);
    // Each "transmit interrupt": the line takes the FIFO, the driver refills it.
    for (int i = 0; i < 3; ++i) {
        rig.uart->transmit_all();
        (void)rig.driver.service();
    }
    rig.uart->transmit_all();
    EXPECT_EQ(rig.uart->line_out, text);
    EXPECT_FALSE(rig.driver.tx_waiting());
    EXPECT_FALSE(rig.uart->tx_interrupt);
    EXPECT_EQ(rig.driver.counters().sent, 40u);
}

TEST(Service, TheClientIsToldAboutRoomOnlyWhenItAsked) {
    Rig rig;
    const std::string text = pattern(100);
    auto bytes = std::as_bytes(std::span(text.data(), text.size()));
    const std::uint32_t first = rig.client.tx.enqueue_batch(bytes);
    EXPECT_EQ(first, Rig::capacity);
    EXPECT_TRUE(rig.client.tx.request_signal_if_full()); // full: it waits for the driver
    EXPECT_TRUE(rig.driver.service());                   // took 16 and tells it
    EXPECT_FALSE(rig.driver.service());                  // the FIFO is full: nothing taken
    EXPECT_EQ(rig.client.tx.enqueue_batch(bytes.subspan(first)), 16u);
    rig.uart->transmit_all();
    EXPECT_FALSE(rig.driver.service()); // took more, but the client did not ask again
    while (rig.driver.tx_waiting()) {
        rig.uart->transmit_all();
        (void)rig.driver.service();
    }
    rig.uart->transmit_all();
    EXPECT_EQ(rig.uart->line_out, text.substr(0, 80));
}

TEST(Service, BytesWithErrorsAreKeptAndCounted) {
    Rig rig;
    rig.uart->errors_at = 2;
    rig.type("abcd");
    EXPECT_TRUE(rig.driver.service());
    EXPECT_EQ(rig.read_all(), "abcd");
    EXPECT_EQ(rig.driver.counters().receive_errors, 1u);
}

} // namespace
