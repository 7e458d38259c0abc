/// @file
/// The virtio-mmio transport, version 2 ("modern", virtio 1.2 section 4.2.2): the register
/// block, the device status handshake and feature negotiation, queue setup, notification and
/// interrupts, the device configuration space with its generation counter.
///
/// The registers are reached through a Bus (read32/write32 at a byte offset, and 8/16-bit
/// reads of the configuration space): MmioBus on the device's uncached mapping in a PD, a
/// fake device in memory in the host tests. Every value the device reports is checked and a
/// wrong one is an Error, never a fault.
///
/// ```cpp
/// virtio::Transport device(virtio::MmioBus(regs_vaddr));
/// if (auto probed = device.probe(virtio::DeviceType::block); !probed) log(probed.error());
/// auto features = device.negotiate(wanted, required); // reset, ACKNOWLEDGE, DRIVER, FEATURES_OK
/// device.setup_queue(0, queue);                         // a SplitQueue in DMA memory
/// device.driver_ok();
/// ```
#pragma once

#include <sel4/virtio/error.hpp>

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace sel4::virtio {

/// The registers of a virtio-mmio device, byte offsets from its base (virtio 1.2, 4.2.2).
namespace reg {
inline constexpr std::uint32_t magic_value = 0x000;         ///< R: 0x74726976 ("virt").
inline constexpr std::uint32_t version = 0x004;             ///< R: 2 for a modern device.
inline constexpr std::uint32_t device_id = 0x008;           ///< R: the device type (DeviceType).
inline constexpr std::uint32_t vendor_id = 0x00c;           ///< R: the vendor (QEMU: 0x554d4551).
inline constexpr std::uint32_t device_features = 0x010;     ///< R: 32 feature bits of the word DeviceFeaturesSel picks.
inline constexpr std::uint32_t device_features_sel = 0x014; ///< W: which word of the device's features.
inline constexpr std::uint32_t driver_features = 0x020;     ///< W: 32 feature bits the driver takes.
inline constexpr std::uint32_t driver_features_sel = 0x024; ///< W: which word of the driver's features.
inline constexpr std::uint32_t queue_sel = 0x030;           ///< W: the queue the Queue* registers address.
inline constexpr std::uint32_t queue_num_max = 0x034;       ///< R: the largest size of that queue, 0 if none.
inline constexpr std::uint32_t queue_num = 0x038;           ///< W: the size the driver uses.
inline constexpr std::uint32_t queue_ready = 0x044;         ///< RW: 1 once the queue's addresses are set.
inline constexpr std::uint32_t queue_notify = 0x050;        ///< W: a queue index: new buffers in it.
inline constexpr std::uint32_t interrupt_status = 0x060;    ///< R: why the device interrupted (InterruptBit).
inline constexpr std::uint32_t interrupt_ack = 0x064;       ///< W: the bits of interrupt_status handled.
inline constexpr std::uint32_t status = 0x070;              ///< RW: the device status (Status); 0 resets.
inline constexpr std::uint32_t queue_desc_low = 0x080;      ///< W: the descriptor table's address, bits 0..31.
inline constexpr std::uint32_t queue_desc_high = 0x084;     ///< W: bits 32..63.
inline constexpr std::uint32_t queue_driver_low = 0x090;    ///< W: the available ring's address, bits 0..31.
inline constexpr std::uint32_t queue_driver_high = 0x094;   ///< W: bits 32..63.
inline constexpr std::uint32_t queue_device_low = 0x0a0;    ///< W: the used ring's address, bits 0..31.
inline constexpr std::uint32_t queue_device_high = 0x0a4;   ///< W: bits 32..63.
inline constexpr std::uint32_t config_generation = 0x0fc;   ///< R: changes whenever the configuration does.
inline constexpr std::uint32_t config = 0x100;              ///< The device-specific configuration space.
} // namespace reg

/// The MagicValue of every virtio-mmio device: "virt" in little-endian.
inline constexpr std::uint32_t magic = 0x74726976;
/// The Version of the modern transport.
inline constexpr std::uint32_t modern_version = 2;

/// Device types (virtio 1.2, section 5): the DeviceID register.
enum class DeviceType : std::uint32_t {
    none = 0,    ///< An empty slot.
    network = 1, ///< virtio-net.
    block = 2,   ///< virtio-blk.
    console = 3, ///< virtio-console.
    entropy = 4, ///< virtio-rng.
};

/// The device status bits (virtio 1.2, 2.1).
namespace status {
inline constexpr std::uint32_t acknowledge = 1;         ///< The guest has noticed the device.
inline constexpr std::uint32_t driver = 2;              ///< The guest knows how to drive it.
inline constexpr std::uint32_t driver_ok = 4;           ///< The driver is ready.
inline constexpr std::uint32_t features_ok = 8;         ///< Feature negotiation is complete.
inline constexpr std::uint32_t device_needs_reset = 64; ///< The device hit an error it cannot recover from.
inline constexpr std::uint32_t failed = 128;            ///< The driver gave up on the device.
} // namespace status

/// The InterruptStatus bits.
namespace interrupt {
inline constexpr std::uint32_t used_buffer = 1;    ///< A queue has new used buffers.
inline constexpr std::uint32_t config_change = 2;  ///< The configuration changed.
} // namespace interrupt

/// Feature bits common to all devices (virtio 1.2, 6).
namespace feature {
inline constexpr unsigned indirect_desc = 28; ///< VIRTIO_F_INDIRECT_DESC
inline constexpr unsigned event_idx = 29;     ///< VIRTIO_F_EVENT_IDX
inline constexpr unsigned version_1 = 32;     ///< VIRTIO_F_VERSION_1: a modern device.
inline constexpr unsigned access_platform = 33; ///< VIRTIO_F_ACCESS_PLATFORM
inline constexpr unsigned ring_packed = 34;   ///< VIRTIO_F_RING_PACKED
/// The feature word with bit `bit` set.
constexpr std::uint64_t bit(unsigned bit) noexcept { return std::uint64_t{1} << bit; }
} // namespace feature

/// Orders the driver's stores to and loads from the rings in DMA memory against each other
/// and against the device's registers (the device may be another agent than this core).
inline void dma_barrier() noexcept {
#if defined(__aarch64__)
    asm volatile("dsb sy" ::: "memory");
#elif defined(__riscv)
    asm volatile("fence iorw, iorw" ::: "memory");
#else
    std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

/// How the transport reaches the registers: 32-bit reads and writes at a byte offset, and
/// the narrower reads the configuration space allows.
template <class B>
concept Bus = requires(B &bus, std::uint32_t offset, std::uint32_t value) {
    { bus.read32(offset) } -> std::same_as<std::uint32_t>;
    { bus.write32(offset, value) };
    { bus.read16(offset) } -> std::same_as<std::uint16_t>;
    { bus.read8(offset) } -> std::same_as<std::uint8_t>;
};

/// The registers of a device mapped at `base` (uncached): volatile accesses of the
/// register's width, in little-endian (both worlds are little-endian).
class MmioBus {
public:
    /// The register block at virtual address `base`.
    explicit MmioBus(std::uintptr_t base) noexcept : base_(base) {}

    /// The 32-bit register at `offset`.
    std::uint32_t read32(std::uint32_t offset) const noexcept {
        return *reinterpret_cast<const volatile std::uint32_t *>(base_ + offset);
    }
    /// Writes the 32-bit register at `offset`.
    void write32(std::uint32_t offset, std::uint32_t value) const noexcept {
        *reinterpret_cast<volatile std::uint32_t *>(base_ + offset) = value;
    }
    /// The 16 bits at `offset` (configuration space).
    std::uint16_t read16(std::uint32_t offset) const noexcept {
        return *reinterpret_cast<const volatile std::uint16_t *>(base_ + offset);
    }
    /// The byte at `offset` (configuration space).
    std::uint8_t read8(std::uint32_t offset) const noexcept {
        return *reinterpret_cast<const volatile std::uint8_t *>(base_ + offset);
    }

private:
    std::uintptr_t base_;
};
static_assert(Bus<MmioBus>);

/// The addresses of a split virtqueue's three parts, as the device sees them.
struct QueueAddresses {
    std::uint64_t descriptors = 0; ///< The descriptor table (16-byte aligned).
    std::uint64_t driver = 0;      ///< The available ring (2-byte aligned).
    std::uint64_t device = 0;      ///< The used ring (4-byte aligned).
};

/// A queue the transport can set up: its size (a power of two) and its rings' addresses.
template <class Q>
concept SetupQueue = requires(const Q &queue) {
    { queue.size() } -> std::convertible_to<std::uint16_t>;
    { queue.addresses() } -> std::same_as<QueueAddresses>;
};

/// Reads of the device-specific configuration space: offsets from its start (0x100), in
/// accesses of the field's width; a 64-bit field as two 32-bit reads, low word first.
template <Bus B> class ConfigReader {
public:
    /// The configuration space of the device on `bus`.
    explicit ConfigReader(B &bus) noexcept : bus_(bus) {}
    /// The byte at `offset`.
    std::uint8_t u8(std::uint32_t offset) const noexcept { return bus_.read8(reg::config + offset); }
    /// The 16-bit field at `offset`.
    std::uint16_t u16(std::uint32_t offset) const noexcept { return bus_.read16(reg::config + offset); }
    /// The 32-bit field at `offset`.
    std::uint32_t u32(std::uint32_t offset) const noexcept { return bus_.read32(reg::config + offset); }
    /// The 64-bit field at `offset`.
    std::uint64_t u64(std::uint32_t offset) const noexcept {
        const std::uint64_t low = u32(offset);
        return low | std::uint64_t{u32(offset + 4)} << 32;
    }

private:
    B &bus_;
};

/// A virtio-mmio device of the modern transport (see the file's comment).
template <Bus B> class Transport {
public:
    /// The device whose registers `bus` reaches.
    explicit Transport(B bus) noexcept : bus_(bus) {}

    /// Checks that a modern device of `type` is there: MagicValue, Version 2, DeviceID.
    Result<void> probe(DeviceType type) noexcept {
        const std::uint32_t value = bus_.read32(reg::magic_value);
        if (value != magic)
            return fail(ErrorCode::bad_magic, value, magic);
        const std::uint32_t version = bus_.read32(reg::version);
        if (version != modern_version)
            return fail(ErrorCode::bad_version, version, modern_version);
        const std::uint32_t id = bus_.read32(reg::device_id);
        if (id == 0)
            return fail(ErrorCode::no_device, 0, static_cast<std::uint32_t>(type));
        if (id != static_cast<std::uint32_t>(type))
            return fail(ErrorCode::wrong_device, id, static_cast<std::uint32_t>(type));
        return {};
    }

    /// The DeviceID register.
    std::uint32_t device_id() const noexcept { return bus_.read32(reg::device_id); }
    /// The VendorID register.
    std::uint32_t vendor_id() const noexcept { return bus_.read32(reg::vendor_id); }

    /// Resets the device (Status 0) and waits until it reads back 0.
    void reset() noexcept {
        bus_.write32(reg::status, 0);
        for (int i = 0; i < 1000000 && bus_.read32(reg::status) != 0; ++i) {
        }
    }

    /// The 64 feature bits the device offers.
    std::uint64_t device_features() noexcept {
        bus_.write32(reg::device_features_sel, 0);
        const std::uint64_t low = bus_.read32(reg::device_features);
        bus_.write32(reg::device_features_sel, 1);
        const std::uint64_t high = bus_.read32(reg::device_features);
        return low | high << 32;
    }

    /// The handshake up to FEATURES_OK (virtio 1.2, 3.1.1): reset, ACKNOWLEDGE, DRIVER, the
    /// device's features read, the driver's written (the offered ones of `wanted`, which
    /// must include `required`), FEATURES_OK set and read back. Returns the features
    /// negotiated; on an error the device is marked FAILED. `offered`, when given, receives
    /// what the device offered (for the log).
    Result<std::uint64_t> negotiate(std::uint64_t wanted, std::uint64_t required,
                                    std::uint64_t *offered = nullptr) noexcept {
        reset();
        set_status(status::acknowledge);
        set_status(status::acknowledge | status::driver);
        const std::uint64_t features = device_features();
        if (offered != nullptr)
            *offered = features;
        if ((features & required) != required) {
            mark_failed();
            return fail(ErrorCode::missing_features, features, required);
        }
        const std::uint64_t taken = features & (wanted | required);
        bus_.write32(reg::driver_features_sel, 0);
        bus_.write32(reg::driver_features, static_cast<std::uint32_t>(taken));
        bus_.write32(reg::driver_features_sel, 1);
        bus_.write32(reg::driver_features, static_cast<std::uint32_t>(taken >> 32));
        set_status(status::acknowledge | status::driver | status::features_ok);
        const std::uint32_t now = bus_.read32(reg::status);
        if ((now & status::features_ok) == 0) {
            mark_failed();
            return fail(ErrorCode::features_not_accepted, now, status::features_ok);
        }
        return taken;
    }

    /// Sets up queue `index` for `queue` (after negotiate(), before driver_ok()): QueueSel,
    /// QueueReady must be 0, QueueNumMax at least the queue's size, QueueNum, the three
    /// addresses, QueueReady 1. On an error the device is marked FAILED.
    template <SetupQueue Q> Result<void> setup_queue(std::uint32_t index, const Q &queue) noexcept {
        bus_.write32(reg::queue_sel, index);
        if (const std::uint32_t ready = bus_.read32(reg::queue_ready); ready != 0) {
            mark_failed();
            return fail(ErrorCode::queue_in_use, ready, 0);
        }
        const std::uint32_t max = bus_.read32(reg::queue_num_max);
        if (max == 0) {
            mark_failed();
            return fail(ErrorCode::queue_unavailable, index, queue.size());
        }
        if (max < queue.size()) {
            mark_failed();
            return fail(ErrorCode::queue_too_small, max, queue.size());
        }
        const QueueAddresses at = queue.addresses();
        bus_.write32(reg::queue_num, queue.size());
        write64(reg::queue_desc_low, at.descriptors);
        write64(reg::queue_driver_low, at.driver);
        write64(reg::queue_device_low, at.device);
        dma_barrier(); // the rings' initial contents before the device may look
        bus_.write32(reg::queue_ready, 1);
        return {};
    }

    /// The largest size of queue `index` (QueueNumMax; 0: no such queue). Selects the queue.
    std::uint32_t queue_max(std::uint32_t index) noexcept {
        bus_.write32(reg::queue_sel, index);
        return bus_.read32(reg::queue_num_max);
    }

    /// Sets DRIVER_OK: the device is live. Fails when the device reports that it needs a reset.
    Result<void> driver_ok() noexcept {
        set_status(status::acknowledge | status::driver | status::features_ok | status::driver_ok);
        const std::uint32_t now = bus_.read32(reg::status);
        if ((now & (status::device_needs_reset | status::failed)) != 0)
            return fail(ErrorCode::device_needs_reset, now, 0);
        return {};
    }

    /// Sets FAILED: the driver gave up on the device.
    void mark_failed() noexcept { bus_.write32(reg::status, bus_.read32(reg::status) | status::failed); }

    /// The Status register.
    std::uint32_t status() const noexcept { return bus_.read32(reg::status); }

    /// Tells the device that queue `index` has new available buffers (after a barrier, so
    /// that it sees the ring's index).
    void notify(std::uint32_t index) noexcept {
        dma_barrier();
        bus_.write32(reg::queue_notify, index);
    }

    /// Reads InterruptStatus and acknowledges the bits it had (InterruptACK); returns them.
    std::uint32_t take_interrupt() noexcept {
        const std::uint32_t bits = bus_.read32(reg::interrupt_status);
        if (bits != 0)
            bus_.write32(reg::interrupt_ack, bits);
        dma_barrier(); // the used rings after the acknowledgement
        return bits;
    }

    /// Reads the device configuration with `read(ConfigReader<B>&)` until ConfigGeneration
    /// is the same before and after (virtio 1.2, 4.2.2.2), at most 8 times; returns what
    /// `read` returned, or config_unstable.
    template <class F> auto read_config(F &&read) noexcept -> Result<decltype(read(std::declval<ConfigReader<B> &>()))> {
        ConfigReader<B> reader(bus_);
        for (int attempt = 0; attempt < 8; ++attempt) {
            const std::uint32_t before = bus_.read32(reg::config_generation);
            auto value = read(reader);
            if (bus_.read32(reg::config_generation) == before)
                return value;
        }
        return fail(ErrorCode::config_unstable);
    }

    /// The bus (for the device-specific configuration reads).
    B &bus() noexcept { return bus_; }

private:
    void set_status(std::uint32_t bits) noexcept { bus_.write32(reg::status, bits); }
    void write64(std::uint32_t low, std::uint64_t value) noexcept {
        bus_.write32(low, static_cast<std::uint32_t>(value));
        bus_.write32(low + 4, static_cast<std::uint32_t>(value >> 32));
    }
    B bus_;
};

} // namespace sel4::virtio
