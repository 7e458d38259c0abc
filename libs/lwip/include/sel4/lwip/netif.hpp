/// @file
/// An lwIP network interface over sDDF's network queues (sel4::queue::net), as the client of
/// a network driver (the 2-PD sDDF configuration: driver and one client, no virtualisers).
///
/// ```cpp
/// namespace net = sel4::queue::net;
/// auto rx = net::QueuePair::attach(rx_free_region, rx_active_region, 256);
/// auto tx = net::QueuePair::attach(tx_free_region, tx_active_region, 256);
/// static sel4::lwip::Netif netif({.rx = *rx, .tx = *tx, .rx_data = rx_data, .tx_data = tx_data,
///                                 .mac = sel4::lwip::MacAddress::from_u64(mac),
///                                 .notify_driver = {notify, &driver_channel}});
/// netif.start();            // no address: start DHCP on netif.get(); or start(address, mask, gateway)
/// netif.set_default();
/// // notified(channel of the driver):
/// netif.poll();
/// ```
///
/// Received frames are copied: poll() copies each frame out of its rx buffer into a PBUF_POOL
/// pbuf and returns the buffer to the driver at once, so lwIP never holds the driver's
/// buffers (a slow reader cannot starve the driver of rx buffers, and the bytes lwIP parses
/// are private: the device cannot change them under it). Sent frames are copied from the
/// pbuf chain into a tx buffer. Descriptors from the driver are never trusted: an offset that
/// is not one of the data region's buffers (not a multiple of buffer_size, or past the
/// region's buffers) is counted (bad_descriptors), logged (the first 16, then every 4096th)
/// and dropped: it names no buffer, so it is not returned either (returning it would hand the
/// driver an address outside the region to give the device). So is a buffer the netif holds
/// itself (one it could not return because the driver corrupted a queue). An rx buffer with a
/// length of 0 or over buffer_size is counted, logged and returned to rx free unread.
#pragma once

#include <sel4/queue/net.hpp>
#include <sel4/shared_memory.hpp>

#include <lwip/netif.h>
#include <lwip/pbuf.h>

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <string_view>

namespace sel4::lwip {

/// An Ethernet address.
struct MacAddress {
    std::array<std::uint8_t, 6> bytes{}; ///< In wire order.

    /// From the driver's 64-bit form (sel4::drivers::net::Mac): the first byte in the lowest
    /// bits.
    static constexpr MacAddress from_u64(std::uint64_t mac) noexcept {
        MacAddress address;
        for (std::size_t i = 0; i < address.bytes.size(); ++i)
            address.bytes[i] = static_cast<std::uint8_t>(mac >> (8 * i));
        return address;
    }
    /// The driver's 64-bit form.
    constexpr std::uint64_t to_u64() const noexcept {
        std::uint64_t mac = 0;
        for (std::size_t i = 0; i < bytes.size(); ++i)
            mac |= std::uint64_t{bytes[i]} << (8 * i);
        return mac;
    }
    /// The address as text, `52:54:00:12:34:56`.
    struct Text {
        std::array<char, 17> chars{}; ///< Six pairs of lower-case hex digits and colons.
        /// The text.
        constexpr std::string_view view() const noexcept { return std::string_view(chars.data(), chars.size()); }
    };
    /// `52:54:00:12:34:56`.
    constexpr Text to_text() const noexcept {
        constexpr char digits[] = "0123456789abcdef";
        Text text;
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            text.chars[3 * i] = digits[bytes[i] >> 4];
            text.chars[3 * i + 1] = digits[bytes[i] & 0xf];
            if (i + 1 < bytes.size())
                text.chars[3 * i + 2] = ':';
        }
        return text;
    }
    /// Equal bytes.
    constexpr bool operator==(const MacAddress &) const noexcept = default;
};

/// An IPv4 address.
struct Ipv4Address {
    std::array<std::uint8_t, 4> octets{}; ///< In wire order: a.b.c.d is {a, b, c, d}.

    /// a.b.c.d.
    static constexpr Ipv4Address from(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept {
        return Ipv4Address{{a, b, c, d}};
    }
    /// lwIP's form (network byte order in a u32_t).
    ip4_addr_t to_lwip() const noexcept;
    /// From lwIP's form.
    static Ipv4Address from_lwip(const ip4_addr_t &address) noexcept;
    /// 0.0.0.0.
    constexpr bool is_any() const noexcept { return octets == std::array<std::uint8_t, 4>{}; }
    /// Equal octets.
    constexpr bool operator==(const Ipv4Address &) const noexcept = default;
};

/// What the netif calls when the driver must be notified: after it enqueued tx frames or
/// returned rx buffers and the driver asked for a signal (sDDF's should_notify()). A plain
/// function and its context, so it costs no heap: a Microkit PD notifies (or, for a driver
/// reached by protected calls, signals) its driver channel.
struct NotifyDriver {
    void (*function)(void *context) noexcept = nullptr; ///< Called with `context`; null: nobody.
    void *context = nullptr;                            ///< Passed to `function`.

    /// Calls the function, if any.
    void operator()() const noexcept {
        if (function != nullptr)
            function(context);
    }
};

/// The netif's counters, since it was made.
struct NetifCounters {
    std::uint64_t rx_frames = 0;       ///< Frames handed to lwIP.
    std::uint64_t rx_bytes = 0;        ///< Their bytes.
    std::uint64_t rx_dropped = 0;      ///< Frames dropped: no pbuf free (PBUF_POOL exhausted).
    std::uint64_t tx_frames = 0;       ///< Frames given to the driver.
    std::uint64_t tx_bytes = 0;        ///< Their bytes.
    std::uint64_t tx_oversize = 0;     ///< Frames lwIP sent that were larger than a buffer: dropped.
    std::uint64_t tx_queued = 0;       ///< Frames that waited for a tx buffer (the driver had none free).
    std::uint64_t tx_dropped = 0;      ///< Frames dropped: no tx buffer and the wait queue full.
    std::uint64_t bad_descriptors = 0; ///< Descriptors from the driver that were refused.
    std::uint64_t notifications = 0;   ///< Times the driver was notified.
};

/// Why a Netif could not start.
enum class NetifError : std::uint8_t {
    capacity_too_large, ///< A queue pair's capacity exceeds Netif::max_buffers.
    region_too_small,   ///< A data region holds fewer buffers than its queues' capacity.
    already_started,    ///< start() was called before.
    netif_add_failed,   ///< lwIP refused the interface (netif_add).
};

/// A short description of `error`.
constexpr std::string_view describe(NetifError error) noexcept {
    switch (error) {
    case NetifError::capacity_too_large: return "a queue pair's capacity exceeds Netif::max_buffers";
    case NetifError::region_too_small: return "a data region is smaller than capacity * buffer_size";
    case NetifError::already_started: return "the netif was started before";
    case NetifError::netif_add_failed: return "lwIP refused the interface (netif_add)";
    }
    return "unknown netif error";
}

/// An lwIP `struct netif` over an sDDF driver's four queues and two data regions. It does not
/// move (lwIP keeps its address); make it static or keep it in place for the PD's life, and
/// call everything from the PD's one thread.
class Netif {
public:
    /// The most buffers per data region the netif tracks (the queues' capacity at most this).
    static constexpr std::uint32_t max_buffers = 1024;
    /// The frames that wait for a tx buffer when the driver has none free.
    static constexpr std::size_t tx_wait_capacity = 64;
    /// The Ethernet MTU (bytes of IP in a frame).
    static constexpr std::uint16_t default_mtu = 1500;

    /// What the netif is attached to.
    struct Config {
        queue::net::QueuePair rx;        ///< rx free (to the driver) and rx active (frames from it).
        queue::net::QueuePair tx;        ///< tx free (buffers back from the driver) and tx active (frames to it).
        shared_memory::Region rx_data;   ///< The rx data region: capacity buffers of queue::net::buffer_size.
        shared_memory::Region tx_data;   ///< The tx data region, alike.
        MacAddress mac;                  ///< The interface's Ethernet address.
        NotifyDriver notify_driver;      ///< Notifies the driver.
        std::uint16_t mtu = default_mtu; ///< The MTU.
    };

    /// Attached to `config`'s queues and regions; not yet known to lwIP (start()).
    explicit Netif(const Config &config) noexcept;
    Netif(const Netif &) = delete;
    Netif &operator=(const Netif &) = delete;
    /// Removes the interface from lwIP (its connections with it) and frees waiting frames.
    ~Netif();

    /// Initialises lwIP if needed (sel4::lwip::init()), fills rx free and tx free with all
    /// the buffers of the data regions (offsets i * buffer_size), adds the interface to lwIP
    /// with `address`/`netmask`/`gateway` (all 0.0.0.0 for DHCP: then call dhcp_start(get())),
    /// sets it up with its link up, and notifies the driver.
    std::expected<void, NetifError> start(Ipv4Address address = {}, Ipv4Address netmask = {},
                                          Ipv4Address gateway = {}) noexcept;

    /// Makes this lwIP's default interface (the route for every destination off its subnet).
    void set_default() noexcept;

    /// Does the driver's side of the work: drains rx active (each frame copied into lwIP,
    /// which may answer at once: ARP, ICMP, TCP), returns the rx buffers to rx free, sends the
    /// frames that waited for tx buffers, asks the driver for the signals it needs (rx active,
    /// and tx free when frames wait) and notifies the driver once if it asked. Call from
    /// notified() on the driver's channel, and after anything that may have sent (lwIP's own
    /// output notifies by itself). Returns the number of descriptors taken from rx active
    /// (frames and refused descriptors).
    std::size_t poll() noexcept;

    /// lwIP's interface, for the raw API (dhcp_start, netif_set_status_callback, ...).
    struct netif *get() noexcept { return &netif_; }
    /// lwIP's interface.
    const struct netif *get() const noexcept { return &netif_; }

    /// The counters.
    const NetifCounters &counters() const noexcept { return counters_; }
    /// The interface's Ethernet address.
    const MacAddress &mac() const noexcept { return config_.mac; }
    /// Whether start() succeeded.
    bool started() const noexcept { return started_; }

private:
    static err_t init_callback(struct netif *netif) noexcept;
    static err_t linkoutput_callback(struct netif *netif, struct pbuf *frame) noexcept;

    err_t output(struct pbuf *frame) noexcept;
    bool send(struct pbuf *frame) noexcept;     // into a tx buffer; false when none is free
    void flush_waiting() noexcept;               // the waiting frames, in order, while buffers last
    void receive(const queue::net::BufferDescriptor &descriptor) noexcept;
    void return_rx(std::uint64_t offset) noexcept;
    void bad_descriptor(const char *queue, const char *why, const queue::net::BufferDescriptor &descriptor) noexcept;
    void notify_if_asked() noexcept;             // after enqueues: rx free, tx active

    Config config_;
    struct netif netif_ {};
    std::uint32_t rx_buffers_ = 0;
    std::uint32_t tx_buffers_ = 0;
    std::bitset<max_buffers> rx_driver_holds_; // buffer i is the driver's (in rx free or the device)
    std::bitset<max_buffers> tx_driver_holds_; // buffer i is the driver's (in tx active or sending)
    std::array<struct pbuf *, tx_wait_capacity> tx_waiting_{};
    std::size_t tx_waiting_head_ = 0;
    std::size_t tx_waiting_count_ = 0;
    NetifCounters counters_;
    bool started_ = false;
    bool in_poll_ = false;
    bool rx_returned_ = false;
    bool tx_enqueued_ = false;
};

} // namespace sel4::lwip
