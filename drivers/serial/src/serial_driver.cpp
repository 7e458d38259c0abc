// The serial driver (serial_driver.elf): the UART of QEMU's virt machine (uart.hpp: the
// PL011 on aarch64, the 16550A on riscv64) for one client, through two sDDF serial queues.
//
// - Receive: the UART's receive interrupt; each one drains its FIFO into the rx queue, then
//   notifies the client (always, as sDDF's serial producers do). When the rx queue is full
//   the driver stops draining (the bytes wait in the FIFO, and the device drops what
//   overflows it), masks the receive interrupt and asks the client for a notification when
//   it has read (producer_signalled); that notification drains again.
// - Transmit: the client's notification; the driver moves the tx queue into the transmit FIFO
//   until the FIFO is full, and then turns the transmit interrupt on until the queue is
//   empty. When the client asked for room (it found tx full), the driver notifies it after
//   taking bytes.
// The kernel prints through the same UART (its debug console) by polling, which is fine on
// QEMU: characters of both may interleave.
//
// Channels: the client's is 0 (notifications both ways), the UART's IRQ is 1. Memory: the
// UART's page uncached (setvar_vaddr uart_regs); the rx and tx queues and data regions
// (setvar_vaddr rx_queue_vaddr, rx_data_vaddr, tx_queue_vaddr, tx_data_vaddr, each with its
// setvar_size; a data region's size is its queue's capacity, a power of two), mapped rw here
// and in the client. A UART that does not identify, or queues that do not fit, are logged and
// the driver then does nothing (no fault).
#include "uart.hpp"

#include <sel4/log.hpp>
#include <sel4/microkit.hpp>
#include <sel4/queue/serial.hpp>
#include <sel4/shared_memory.hpp>

#include <array>
#include <cstdint>
#include <optional>

namespace mk = sel4::microkit;
namespace sm = sel4::shared_memory;
namespace sq = sel4::queue::serial;

SEL4_MICROKIT_VARIABLE(uart_regs, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_queue_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_queue_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_data_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_data_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_queue_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_queue_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_data_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_data_size, sel4::Word)

namespace {

using serial_driver::Uart;

constexpr mk::Channel client(0);
constexpr mk::Channel uart_irq(1);

std::optional<sq::QueuePair> attach_queues() noexcept {
    auto rx = sq::Queue::attach(sm::Region::at_address(rx_queue_vaddr, rx_queue_size),
                                sm::Region::at_address(rx_data_vaddr, rx_data_size),
                                static_cast<std::uint32_t>(rx_data_size.get()));
    auto tx = sq::Queue::attach(sm::Region::at_address(tx_queue_vaddr, tx_queue_size),
                                sm::Region::at_address(tx_data_vaddr, tx_data_size),
                                static_cast<std::uint32_t>(tx_data_size.get()));
    if (!rx || !tx) {
        sel4::log::error("the {} queue does not fit its regions ({:#x} bytes of data): {}", !rx ? "rx" : "tx",
                         !rx ? rx_data_size.get() : tx_data_size.get(),
                         sel4::queue::describe(!rx ? rx.error() : tx.error()));
        return std::nullopt;
    }
    return sq::QueuePair{*rx, *tx};
}

std::optional<Uart> probe_uart() noexcept {
    if (uart_regs.get() == 0) {
        sel4::log::error("no UART mapped (setvar_vaddr uart_regs)");
        return std::nullopt;
    }
    Uart uart(uart_regs.get());
    std::uint64_t identification = 0;
    if (!uart.identify(identification)) {
        sel4::log::error("the device at {:#x} is not a {} (it reads {:#x}): no serial", uart_regs.get(), Uart::name,
                         identification);
        return std::nullopt;
    }
    uart.setup();
    return uart;
}

class SerialDriver : public mk::Handler {
public:
    SerialDriver() noexcept : queues_(attach_queues()), uart_(queues_ ? probe_uart() : std::nullopt) {
        if (!queues_ || !uart_)
            return;
        uart_->receive_interrupt(true);
        sel4::log::info("{} at {:#x}, rx {} and tx {} bytes of queue", Uart::name, uart_regs.get(),
                        queues_->rx.capacity(), queues_->tx.capacity());
        service();
    }

    void notified(mk::ChannelSet channels) noexcept {
        if (channels.contains(uart_irq)) {
            ++interrupts_;
            if (uart_)
                uart_->acknowledge();
        }
        if (queues_ && uart_)
            service();
        if (channels.contains(uart_irq))
            uart_irq.irq_ack();
    }

private:
    // Both directions, as far as the queues and FIFOs allow; the notifications they owe.
    void service() noexcept {
        bool notify_client = false;
        notify_client |= receive();
        notify_client |= transmit();
        if (notify_client)
            client.notify();
    }

    // The receive FIFO into rx. True when bytes went in (the client is told).
    bool receive() noexcept {
        std::array<std::byte, 64> batch;
        bool received = false;
        for (;;) {
            const std::uint32_t room = queues_->rx.free_space();
            if (room == 0) {
                // Full: wait for the client's notification that it read.
                if (queues_->rx.request_signal_if_full()) {
                    if (!rx_stalled_) {
                        rx_stalled_ = true;
                        uart_->receive_interrupt(false);
                    }
                    return received;
                }
                continue;
            }
            std::size_t count = 0;
            const std::size_t limit = room < batch.size() ? room : batch.size();
            while (count < limit) {
                const auto got = uart_->receive();
                if (!got)
                    break;
                if (got->error)
                    ++receive_errors_;
                batch[count++] = got->byte;
            }
            if (count != 0) {
                (void)queues_->rx.enqueue_batch(std::span<const std::byte>(batch.data(), count));
                received = true;
            }
            if (count < limit)
                break; // the FIFO is empty
        }
        if (rx_stalled_) {
            rx_stalled_ = false;
            uart_->receive_interrupt(true);
        }
        return received;
    }

    // The tx queue into the transmit FIFO. True when the client asked for room and got some.
    bool transmit() noexcept {
        bool took = false;
        while (uart_->can_send()) {
            const auto byte = queues_->tx.dequeue();
            if (!byte)
                break;
            took = true;
            uart_->send(*byte);
        }
        const bool more = !queues_->tx.empty();
        if (more != tx_waiting_) {
            tx_waiting_ = more;
            uart_->send_interrupt(more);
        }
        return took && queues_->tx.should_signal_producer();
    }

    std::optional<sq::QueuePair> queues_;
    std::optional<Uart> uart_;
    bool rx_stalled_ = false, tx_waiting_ = false;
    std::uint64_t interrupts_ = 0, receive_errors_ = 0;
};

SerialDriver make_driver() noexcept { return SerialDriver(); }

} // namespace

SEL4_MICROKIT_PD(make_driver)
