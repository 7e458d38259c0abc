// The UARTs of QEMU's virt machines, as the serial driver uses them: a receive FIFO to
// drain, a transmit FIFO to fill, and an interrupt for each. Register layouts written from
// the Arm PrimeCell UART (PL011) Technical Reference Manual and the 16550A's datasheet; the
// registers are mapped uncached at `base`.
#pragma once

#include "service.hpp" // Received

#include <cstddef>
#include <cstdint>
#include <optional>

namespace serial_driver {

#if defined(__aarch64__)
/// The Arm PL011 (aarch64 virt: 0x9000000, SPI 1 = INTID 33, level).
///
///   0x000 UARTDR    data: a write queues a character; a read takes one, with its errors in
///                   bits 8..11 (framing, parity, break, overrun)
///   0x018 UARTFR    flags: bit 4 RXFE (receive FIFO empty), bit 5 TXFF (transmit FIFO full)
///   0x02c UARTLCR_H line control: bit 4 FEN (the FIFOs on), bits 5..6 WLEN (3: 8 bits)
///   0x030 UARTCR    control: bit 0 UARTEN, bit 8 TXE, bit 9 RXE
///   0x034 UARTIFLS  FIFO levels of the interrupts (0: at 1/8 full, transmit at 1/8 full)
///   0x038 UARTIMSC  interrupt mask (1 = enabled): bit 4 RX, bit 5 TX, bit 6 RT (receive timeout)
///   0x040 UARTMIS   the masked interrupt status, the same bits
///   0x044 UARTICR   interrupt clear, the same bits (and 7..10, the error interrupts)
///   0xfe0..0xfec UARTPeriphID0..3 0x11, 0x10, 0x?4, 0x00 (part 0x011, designer 0x41: Arm)
///   0xff0..0xffc UARTPCellID0..3  0x0d, 0xf0, 0x05, 0xb1
class Uart {
public:
    static constexpr std::uint32_t dr = 0x000, fr = 0x018, lcr_h = 0x02c, cr = 0x030, ifls = 0x034, imsc = 0x038,
                                   mis = 0x040, icr = 0x044, periph_id0 = 0xfe0, pcell_id0 = 0xff0;
    static constexpr std::uint32_t fr_rxfe = 1u << 4, fr_txff = 1u << 5;
    static constexpr std::uint32_t lcr_fen = 1u << 4, lcr_wlen8 = 3u << 5;
    static constexpr std::uint32_t cr_uarten = 1u << 0, cr_txe = 1u << 8, cr_rxe = 1u << 9;
    static constexpr std::uint32_t int_rx = 1u << 4, int_tx = 1u << 5, int_rt = 1u << 6, int_all = 0x7ff;
    static constexpr std::uint32_t dr_errors = 0xf00;

    static constexpr const char *name = "PL011";

    explicit Uart(std::uintptr_t base) noexcept : base_(base) {}

    /// Whether the device identifies as a PL011; `what` gets its identification for a log.
    bool identify(std::uint64_t &what) const noexcept {
        std::uint32_t periph = 0, cell = 0;
        for (std::uint32_t i = 0; i < 4; ++i) {
            periph |= (read(periph_id0 + 4 * i) & 0xff) << (8 * i);
            cell |= (read(pcell_id0 + 4 * i) & 0xff) << (8 * i);
        }
        what = (std::uint64_t{cell} << 32) | periph;
        return (periph & 0x000f'ffff) == 0x0004'1011 && (periph >> 24) == 0 && cell == 0xb105'f00d;
    }
    /// On, 8 bits, the FIFOs on, every interrupt masked and cleared. The baud rate is left as
    /// the firmware set it (the kernel prints through the same UART).
    void setup() const noexcept {
        write(imsc, 0);
        write(icr, int_all);
        write(lcr_h, lcr_wlen8 | lcr_fen);
        write(ifls, 0);
        write(cr, read(cr) | cr_uarten | cr_txe | cr_rxe);
    }
    /// A character from the receive FIFO, if there is one.
    std::optional<Received> receive() const noexcept {
        if ((read(fr) & fr_rxfe) != 0)
            return std::nullopt;
        const std::uint32_t data = read(dr);
        return Received{static_cast<std::byte>(data & 0xff), (data & dr_errors) != 0};
    }
    /// Whether the transmit FIFO takes a character.
    bool can_send() const noexcept { return (read(fr) & fr_txff) == 0; }
    /// Queues `byte` for sending (can_send() was true).
    void send(std::byte byte) const noexcept { write(dr, static_cast<std::uint32_t>(byte)); }
    /// The receive interrupts (data and timeout) on or off.
    void receive_interrupt(bool on) noexcept { set_mask(int_rx | int_rt, on); }
    /// The transmit interrupt (room in the FIFO) on or off.
    void send_interrupt(bool on) noexcept { set_mask(int_tx, on); }
    /// At an interrupt: clears what the device raised (the drain and fill that follow handle
    /// it; a level still due is raised again).
    void acknowledge() const noexcept { write(icr, read(mis)); }

private:
    void set_mask(std::uint32_t bits, bool on) noexcept {
        mask_ = on ? (mask_ | bits) : (mask_ & ~bits);
        write(imsc, mask_);
    }
    std::uint32_t read(std::uint32_t offset) const noexcept {
        return *reinterpret_cast<const volatile std::uint32_t *>(base_ + offset);
    }
    void write(std::uint32_t offset, std::uint32_t value) const noexcept {
        *reinterpret_cast<volatile std::uint32_t *>(base_ + offset) = value;
    }
    std::uintptr_t base_;
    std::uint32_t mask_ = 0;
};
#elif defined(__riscv)
/// The NS16550A (riscv64 virt: 0x10000000, PLIC IRQ 10, level; byte registers, one apart).
///
///   0 RBR (read) / THR (write)   a received character / one to send (LCR.DLAB = 0)
///   1 IER   interrupt enable: bit 0 received data (and its timeout), bit 1 THR empty
///   2 IIR (read)  bit 0 = 0: an interrupt is pending; bits 6..7 = 3: the FIFOs are on
///     FCR (write) bit 0 FIFOs on, bit 1 clear the receive FIFO, bit 2 the transmit one,
///                 bits 6..7 the receive trigger (0: 1 character)
///   3 LCR   bits 0..1 = 3: 8 bits; bit 7 DLAB (the divisor latch at 0 and 1)
///   4 MCR   bit 0 DTR, bit 1 RTS, bit 3 OUT2 (gates the interrupt line on PCs)
///   5 LSR   bit 0 DR (data ready), bits 1..4 overrun, parity, framing, break;
///           bit 5 THRE (the transmit FIFO is empty)
///   7 SCR   scratch: reads back what was written (the only presence check it has)
class Uart {
public:
    static constexpr std::uint32_t rbr = 0, thr = 0, ier = 1, iir = 2, fcr = 2, lcr = 3, mcr = 4, lsr = 5, scr = 7;
    static constexpr std::uint8_t ier_rx = 1u << 0, ier_thre = 1u << 1;
    static constexpr std::uint8_t lsr_dr = 1u << 0, lsr_errors = 0x1e, lsr_thre = 1u << 5;
    static constexpr std::uint8_t fcr_enable = 1u << 0, fcr_clear_rx = 1u << 1, fcr_clear_tx = 1u << 2;
    static constexpr std::uint8_t mcr_dtr = 1u << 0, mcr_rts = 1u << 1, mcr_out2 = 1u << 3;
    static constexpr std::uint32_t fifo_depth = 16;

    static constexpr const char *name = "16550A";

    explicit Uart(std::uintptr_t base) noexcept : base_(base) {}

    /// Whether the scratch register holds what is written, and the LSR is not all ones (no
    /// device reads 0xff).
    bool identify(std::uint64_t &what) const noexcept {
        write(scr, 0x5a);
        const std::uint8_t first = read(scr);
        write(scr, 0xa5);
        const std::uint8_t second = read(scr);
        const std::uint8_t status = read(lsr);
        what = (std::uint64_t{status} << 16) | (std::uint64_t{first} << 8) | second;
        return first == 0x5a && second == 0xa5 && status != 0xff;
    }
    /// 8 bits (the divisor as the firmware set it), the FIFOs on and cleared with a receive
    /// trigger of 1 character, OUT2, every interrupt off.
    void setup() noexcept {
        write(ier, 0);
        write(lcr, 0x03);
        write(fcr, fcr_enable | fcr_clear_rx | fcr_clear_tx);
        fifo_ = (read(iir) >> 6) == 3;
        write(mcr, mcr_dtr | mcr_rts | mcr_out2);
    }
    /// Whether the transmit FIFO is there (IIR bits 6..7), for the log.
    bool fifo() const noexcept { return fifo_; }
    /// A character from the receive FIFO, if there is one.
    std::optional<Received> receive() const noexcept {
        const std::uint8_t status = read(lsr);
        if ((status & lsr_dr) == 0)
            return std::nullopt;
        return Received{static_cast<std::byte>(read(rbr)), (status & lsr_errors) != 0};
    }
    /// Whether the transmit FIFO takes a character: THRE says it is empty, then it takes
    /// fifo_depth (1 without FIFOs) before THRE is looked at again.
    bool can_send() noexcept {
        if (room_ == 0 && (read(lsr) & lsr_thre) != 0)
            room_ = fifo_ ? fifo_depth : 1;
        return room_ != 0;
    }
    /// Queues `byte` for sending (can_send() was true).
    void send(std::byte byte) noexcept {
        write(thr, static_cast<std::uint8_t>(byte));
        --room_;
    }
    /// The receive interrupt on or off.
    void receive_interrupt(bool on) noexcept { set_enable(ier_rx, on); }
    /// The THR-empty interrupt on or off.
    void send_interrupt(bool on) noexcept { set_enable(ier_thre, on); }
    /// At an interrupt: reads IIR until nothing is pending (which clears a THR-empty
    /// interrupt; data and line status clear as the drain reads RBR and LSR), at most a few
    /// times for a device that always claims one.
    void acknowledge() const noexcept {
        for (int i = 0; i < 8 && (read(iir) & 1) == 0; ++i)
            (void)read(lsr);
    }

private:
    void set_enable(std::uint8_t bits, bool on) noexcept {
        const auto enabled = static_cast<std::uint8_t>(on ? (enabled_ | bits) : (enabled_ & ~bits));
        if (enabled != enabled_) {
            enabled_ = enabled;
            write(ier, enabled_);
        }
    }
    std::uint8_t read(std::uint32_t offset) const noexcept {
        return *reinterpret_cast<const volatile std::uint8_t *>(base_ + offset);
    }
    void write(std::uint32_t offset, std::uint8_t value) const noexcept {
        *reinterpret_cast<volatile std::uint8_t *>(base_ + offset) = value;
    }
    std::uintptr_t base_;
    std::uint32_t room_ = 0;
    std::uint8_t enabled_ = 0;
    bool fifo_ = false;
};
#endif

} // namespace serial_driver
