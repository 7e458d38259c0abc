// The serial driver's work, independent of the UART and of Microkit (host-tested with a fake
// UART, tests/service_test.cpp): moving bytes between the UART's FIFOs and the client's sDDF
// serial queues, with the back-pressure of both directions.
//
// A Uart has receive() -> std::optional<Received>, can_send(), send(byte),
// receive_interrupt(bool), send_interrupt(bool) (uart.hpp).
#pragma once

#include <sel4/queue/serial.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace serial_driver {

/// What a read of the receive FIFO gave.
struct Received {
    std::byte byte{};   ///< The character.
    bool error = false; ///< A framing, parity or overrun error or a break came with it.
};

/// What the driver counts.
struct Counters {
    std::uint64_t received = 0;       ///< Bytes into rx.
    std::uint64_t sent = 0;           ///< Bytes out of tx.
    std::uint64_t receive_errors = 0; ///< Bytes the UART flagged (framing, parity, overrun, break): kept.
    std::uint64_t rx_stalls = 0;      ///< Times rx was full and the driver stopped draining the UART.
};

/// The queues and the UART, and service(): called at every interrupt and every notification
/// from the client.
template <class Uart> class Service {
public:
    /// Over `queues` (rx: this side produces; tx: this side consumes) and `uart` (set up); the
    /// receive interrupt turned on.
    Service(sel4::queue::serial::QueuePair queues, Uart uart) noexcept : queues_(queues), uart_(uart) {
        uart_.receive_interrupt(true);
    }

    /// Both directions as far as the queues and the FIFOs allow. True when the client is to
    /// be notified: bytes went into rx (always told), or it asked for room in tx and got some.
    bool service() noexcept {
        const bool received = receive();
        const bool room = transmit();
        return received || room;
    }

    /// The UART.
    Uart &uart() noexcept { return uart_; }
    /// The counters.
    const Counters &counters() const noexcept { return counters_; }
    /// Whether rx is full and the UART left undrained until the client reads.
    bool rx_stalled() const noexcept { return rx_stalled_; }
    /// Whether bytes wait in tx for room in the transmit FIFO (its interrupt is on).
    bool tx_waiting() const noexcept { return tx_waiting_; }

private:
    // The receive FIFO into rx. True when bytes went in.
    bool receive() noexcept {
        std::array<std::byte, 64> batch;
        bool received = false;
        for (;;) {
            const std::uint32_t room = queues_.rx.free_space();
            if (room == 0) {
                // Full: ask the client for a notification when it has read, then look again.
                if (queues_.rx.request_signal_if_full()) {
                    if (!rx_stalled_) {
                        rx_stalled_ = true;
                        ++counters_.rx_stalls;
                        uart_.receive_interrupt(false);
                    }
                    return received;
                }
                continue;
            }
            const std::size_t limit = room < batch.size() ? room : batch.size();
            std::size_t count = 0;
            while (count < limit) {
                const auto got = uart_.receive();
                if (!got)
                    break;
                counters_.receive_errors += got->error ? 1 : 0;
                batch[count++] = got->byte;
            }
            if (count != 0) {
                (void)queues_.rx.enqueue_batch(std::span<const std::byte>(batch.data(), count));
                counters_.received += count;
                received = true;
            }
            if (count < limit)
                break; // the FIFO is empty
        }
        if (rx_stalled_) {
            rx_stalled_ = false;
            uart_.receive_interrupt(true);
        }
        return received;
    }

    // The tx queue into the transmit FIFO. True when the client asked for room and got some.
    bool transmit() noexcept {
        bool took = false;
        while (uart_.can_send()) {
            const auto byte = queues_.tx.dequeue();
            if (!byte)
                break;
            took = true;
            ++counters_.sent;
            uart_.send(*byte);
        }
        const bool waiting = !queues_.tx.empty();
        if (waiting != tx_waiting_) {
            tx_waiting_ = waiting;
            uart_.send_interrupt(waiting);
        }
        return took && queues_.tx.should_signal_producer();
    }

    sel4::queue::serial::QueuePair queues_;
    Uart uart_;
    Counters counters_;
    bool rx_stalled_ = false, tx_waiting_ = false;
};

} // namespace serial_driver
