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
#include "service.hpp"
#include "uart.hpp"

#include <sel4/drivers/serial/regions.hpp>
#include <sel4/log.hpp>
#include <sel4/microkit.hpp>
#include <sel4/queue/serial.hpp>
#include <sel4/shared_memory.hpp>

#include <cstdint>
#include <optional>

namespace mk = sel4::microkit;
namespace sq = sel4::queue::serial;

SEL4_MICROKIT_VARIABLE(uart_regs, sel4::Word)

namespace {

using serial_driver::Uart;

constexpr mk::Channel client(0);
constexpr mk::Channel uart_irq(1);

std::optional<sq::QueuePair> attach_queues() noexcept {
    const sel4::drivers::serial::Regions regions = sel4::drivers::serial::regions();
    auto rx = sel4::drivers::serial::attach_queue(regions.rx_queue, regions.rx_data);
    auto tx = sel4::drivers::serial::attach_queue(regions.tx_queue, regions.tx_data);
    if (!rx || !tx) {
        sel4::log::error("the {} queue does not fit its regions ({:#x} bytes of data): {}", !rx ? "rx" : "tx",
                         !rx ? regions.rx_data.size : regions.tx_data.size,
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
    SerialDriver() noexcept {
        auto queues = attach_queues();
        auto uart = queues ? probe_uart() : std::nullopt;
        if (!queues || !uart)
            return;
        service_.emplace(*queues, *uart);
        sel4::log::info("{} at {:#x}, rx {} and tx {} bytes of queue", Uart::name, uart_regs.get(),
                        queues->rx.capacity(), queues->tx.capacity());
        if (service_->service())
            client.notify();
    }

    void notified(mk::ChannelSet channels) noexcept {
        const bool interrupt = channels.contains(uart_irq);
        if (service_) {
            if (interrupt)
                service_->uart().acknowledge();
            if (service_->service())
                client.notify();
        }
        if (interrupt)
            uart_irq.irq_ack();
    }

private:
    std::optional<serial_driver::Service<Uart>> service_;
};

SerialDriver make_driver() noexcept { return SerialDriver(); }

} // namespace

SEL4_MICROKIT_PD(make_driver)
