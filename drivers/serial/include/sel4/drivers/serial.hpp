/// @file
/// The serial driver's client (`sel4-driver-serial-client`): bytes to and from the UART
/// through sDDF serial queues (sel4/queue/serial.hpp), and a sel4::log::Sink that sends a
/// PD's log lines through the driver.
///
/// The serial driver (drivers/serial, `serial_driver.elf`: the PL011 on aarch64, the 16550A
/// on riscv64) shares two queues with its one client: `rx` (driver to client: received bytes)
/// and `tx` (client to driver: bytes to send), each a queue region and a data region whose
/// size is the queue's capacity (a power of two). They meet through one channel, both ways
/// notifying, no protected calls: the driver notifies after it put bytes in rx, and after it
/// took bytes from tx when the client asked for room; the client notifies after it put bytes
/// in tx, and after it took bytes from rx when the driver asked for room. The systems name the
/// regions' setvars rx_queue_vaddr/_size, rx_data_vaddr/_size, tx_queue_vaddr/_size and
/// tx_data_vaddr/_size in the driver and the client alike (drivers/serial/README.md).
///
/// (sel4/drivers/serial/regions.hpp defines them and gives their Regions).
///
/// ```cpp
/// #include <sel4/drivers/serial/regions.hpp> // the setvars: in one translation unit of the PD
/// auto serial = sel4::drivers::serial::Client::attach(sel4::drivers::serial::regions(), mk::Channel(5));
/// serial->write("hello\r\n");                 // what fits, now
/// co_await serial->write_all(executor, text);  // waits for room (a task of the PD's executor)
/// std::array<std::byte, 64> buffer;
/// std::size_t n = serial->read(buffer);        // what there is, now; read_some() waits
/// sel4::log::set_sink(serial->log_sink());     // the PD's log lines through the driver
/// ```
#pragma once

#include <sel4/async/microkit.hpp>
#include <sel4/async/task.hpp>
#include <sel4/drivers/serial/queues.hpp>
#include <sel4/log/sink.hpp>
#include <sel4/microkit/channel.hpp>
#include <sel4/queue/serial.hpp>
#include <sel4/shared_memory.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

/// The serial driver's client.
namespace sel4::drivers::serial {

/// The client's end: the two queues and the channel to the driver. A plain value.
class Client {
public:
    /// The client over the queues at the start of `rx_queue` and `tx_queue`, whose
    /// characters are the data regions (each region's size its queue's capacity, a power of
    /// two), with the driver at the other end of `driver`; the queue's Error otherwise.
    static queue::Result<Client> attach(shared_memory::Region rx_queue, shared_memory::Region rx_data,
                                        shared_memory::Region tx_queue, shared_memory::Region tx_data,
                                        microkit::Channel driver) noexcept {
        auto rx = attach_queue(rx_queue, rx_data);
        if (!rx)
            return std::unexpected(rx.error());
        auto tx = attach_queue(tx_queue, tx_data);
        if (!tx)
            return std::unexpected(tx.error());
        return Client(queue::serial::QueuePair{*rx, *tx}, driver);
    }
    /// attach() over `regions` (e.g. regions(), from the setvars).
    static queue::Result<Client> attach(const Regions &regions, microkit::Channel driver) noexcept {
        return attach(regions.rx_queue, regions.rx_data, regions.tx_queue, regions.tx_data, driver);
    }
    /// The client over `queues`, with the driver at the other end of `driver`.
    Client(queue::serial::QueuePair queues, microkit::Channel driver) noexcept : queues_(queues), driver_(driver) {}

    /// The channel to the driver (its notifications: bytes received, or room to send).
    microkit::Channel channel() const noexcept { return driver_; }
    /// The queues.
    const queue::serial::QueuePair &queues() const noexcept { return queues_; }

    /// Puts as many of `bytes` as fit in the tx queue and notifies the driver when any did;
    /// never waits. Returns how many went.
    std::size_t write(std::span<const std::byte> bytes) const noexcept {
        const std::uint32_t sent = queues_.tx.enqueue_batch(bytes);
        if (sent != 0)
            driver_.notify();
        return sent;
    }
    /// write() of the characters of `text`.
    std::size_t write(std::string_view text) const noexcept {
        return write(std::as_bytes(std::span<const char>(text.data(), text.size())));
    }
    /// The room in the tx queue.
    std::size_t room() const noexcept { return queues_.tx.free_space(); }

    /// `co_await client.write_all(executor, bytes)`: a task of `executor` that sends all of
    /// `bytes` (which must outlive it), waiting on the channel whenever the tx queue is full
    /// (the driver notifies when it took bytes, as asked). The PD's notified() passes the
    /// channel's notifications to the executor (sel4::async::microkit::notified). Gives the
    /// bytes sent (all of them).
    async::Task<std::size_t> write_all(async::Executor &executor, std::span<const std::byte> bytes) const noexcept {
        std::size_t done = 0;
        while (done < bytes.size()) {
            done += write(bytes.subspan(done));
            if (done < bytes.size() && queues_.tx.request_signal_if_full())
                co_await async::microkit::wait(executor, driver_);
        }
        co_return done;
    }

    /// Takes up to `buffer.size()` received bytes, never waits; tells the driver when it
    /// asked for room. Returns how many it took.
    std::size_t read(std::span<std::byte> buffer) const noexcept {
        const std::uint32_t got = queues_.rx.dequeue_batch(buffer);
        if (got != 0 && queues_.rx.should_signal_producer())
            driver_.notify();
        return got;
    }
    /// The bytes waiting in the rx queue.
    std::size_t available() const noexcept { return queues_.rx.length(); }

    /// `co_await client.read_some(executor, buffer)`: a task that waits until bytes have
    /// arrived (the driver notifies after every batch), then reads what there is, at least
    /// one byte. `buffer` (not empty) outlives the task.
    async::Task<std::size_t> read_some(async::Executor &executor, std::span<std::byte> buffer) const noexcept {
        for (;;) {
            if (const std::size_t got = read(buffer); got != 0 || buffer.empty())
                co_return got;
            co_await async::microkit::wait(executor, driver_);
        }
    }

    /// A sink for sel4::log::set_sink: each line and "\r\n" through the tx queue. `*this`
    /// must outlive its use. When the queue is full the sink spins on it (the driver, at a
    /// higher priority, empties it into the UART from its interrupts) for a bounded time, then
    /// drops the rest of the line and counts the bytes (dropped()): a log call never blocks
    /// for long, and never fails.
    log::Sink log_sink() noexcept { return log::Sink{&write_line, this}; }
    /// The log bytes the sink dropped.
    std::uint64_t dropped() const noexcept { return dropped_; }

private:
    static constexpr std::uint32_t spin_limit = 1u << 20;

    void write_waiting(std::span<const std::byte> bytes) noexcept {
        std::uint32_t spins = 0;
        while (!bytes.empty()) {
            const std::size_t sent = write(bytes);
            bytes = bytes.subspan(sent);
            if (sent == 0 && ++spins > spin_limit) {
                dropped_ += bytes.size();
                return;
            }
        }
    }
    static void write_line(void *context, log::Level, std::string_view line) noexcept {
        auto &self = *static_cast<Client *>(context);
        self.write_waiting(std::as_bytes(std::span<const char>(line.data(), line.size())));
        self.write_waiting(std::as_bytes(std::span<const char>("\r\n", 2)));
    }

    queue::serial::QueuePair queues_;
    microkit::Channel driver_;
    std::uint64_t dropped_ = 0;
};

} // namespace sel4::drivers::serial
