/// @file
/// IPv4 addresses, endpoints, DHCP leases and their printable forms (no heap: fixed buffers).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sel4::net {

/// Text of at most `Capacity` characters in a buffer of its own: what the formatting helpers
/// give. Converts to std::string_view, so `sel4::log::info("{}", lease.to_text())` prints it.
template <std::size_t Capacity> class Text {
public:
    /// Empty.
    constexpr Text() noexcept = default;
    /// Appends `text` (cut at the capacity).
    constexpr Text &operator+=(std::string_view text) noexcept {
        for (char c : text)
            if (size_ < Capacity)
                data_[size_++] = c;
        return *this;
    }
    /// Appends `value` in decimal.
    constexpr Text &append_decimal(std::uint32_t value) noexcept {
        char digits[10];
        int n = 0;
        do {
            digits[n++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
        while (n > 0 && size_ < Capacity)
            data_[size_++] = digits[--n];
        return *this;
    }
    /// The text.
    constexpr std::string_view view() const noexcept { return std::string_view(data_.data(), size_); }
    /// view().
    constexpr operator std::string_view() const noexcept { return view(); }
    /// Its length.
    constexpr std::size_t size() const noexcept { return size_; }

private:
    std::array<char, Capacity> data_{};
    std::size_t size_ = 0;
};

/// An IPv4 address, its four octets in network order (`Address(10, 0, 2, 15)`).
struct Address {
    /// The octets, first to last as written.
    std::array<std::uint8_t, 4> octets{};

    /// 0.0.0.0 (any).
    constexpr Address() noexcept = default;
    /// a.b.c.d.
    constexpr Address(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) noexcept : octets{a, b, c, d} {}
    /// The address from its value as a number (10.0.2.15 is 0x0a00020f).
    static constexpr Address from_u32(std::uint32_t value) noexcept {
        return Address(static_cast<std::uint8_t>(value >> 24), static_cast<std::uint8_t>(value >> 16),
                       static_cast<std::uint8_t>(value >> 8), static_cast<std::uint8_t>(value));
    }
    /// The address as a number (the first octet in the top bits).
    constexpr std::uint32_t to_u32() const noexcept {
        return std::uint32_t{octets[0]} << 24 | std::uint32_t{octets[1]} << 16 | std::uint32_t{octets[2]} << 8 |
               octets[3];
    }
    /// 0.0.0.0: any local address, when binding.
    static constexpr Address any() noexcept { return {}; }
    /// 127.0.0.1.
    static constexpr Address loopback() noexcept { return {127, 0, 0, 1}; }
    /// Whether it is 0.0.0.0.
    constexpr bool is_any() const noexcept { return to_u32() == 0; }

    /// Dotted decimal text to an address ("10.0.2.15"); nullopt when it is not exactly that.
    static constexpr std::optional<Address> parse(std::string_view text) noexcept {
        Address result;
        std::size_t at = 0;
        for (int i = 0; i < 4; ++i) {
            if (i > 0) {
                if (at >= text.size() || text[at] != '.')
                    return std::nullopt;
                ++at;
            }
            std::uint32_t value = 0;
            std::size_t digits = 0;
            while (at < text.size() && text[at] >= '0' && text[at] <= '9' && digits < 4) {
                value = value * 10 + static_cast<std::uint32_t>(text[at] - '0');
                ++at;
                ++digits;
            }
            if (digits == 0 || digits > 3 || value > 255)
                return std::nullopt;
            result.octets[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value);
        }
        if (at != text.size())
            return std::nullopt;
        return result;
    }

    /// The number of leading one bits, for a netmask (255.255.255.0 is 24).
    constexpr unsigned prefix_length() const noexcept {
        unsigned bits = 0;
        for (std::uint32_t value = to_u32(); (value & 0x80000000u) != 0; value <<= 1)
            ++bits;
        return bits;
    }

    /// Dotted decimal.
    constexpr Text<15> to_text() const noexcept {
        Text<15> text;
        for (std::size_t i = 0; i < 4; ++i) {
            if (i > 0)
                text += ".";
            text.append_decimal(octets[i]);
        }
        return text;
    }

    /// Addresses are equal when their octets are.
    friend constexpr bool operator==(const Address &, const Address &) noexcept = default;
};

/// An address and a port: one end of a connection, or a datagram's source or destination.
struct Endpoint {
    Address address;        ///< The IPv4 address.
    std::uint16_t port = 0; ///< The port (host order).

    /// `address:port`.
    constexpr Text<21> to_text() const noexcept {
        Text<21> text;
        text += address.to_text();
        text += ":";
        text.append_decimal(port);
        return text;
    }
    /// Endpoints are equal when address and port are.
    friend constexpr bool operator==(const Endpoint &, const Endpoint &) noexcept = default;
};

/// The interface's IPv4 configuration: from DHCP, or set statically.
struct Lease {
    Address address; ///< The interface's address.
    Address netmask; ///< Its netmask.
    Address gateway; ///< The default gateway (0.0.0.0: none).
    Address dns;     ///< The first DNS server (0.0.0.0: none).

    /// `address 10.0.2.15/24, gateway 10.0.2.2, DNS 10.0.2.3`.
    constexpr Text<64> to_text() const noexcept {
        Text<64> text;
        text += "address ";
        text += address.to_text();
        text += "/";
        text.append_decimal(netmask.prefix_length());
        text += ", gateway ";
        text += gateway.to_text();
        text += ", DNS ";
        text += dns.to_text();
        return text;
    }
    /// Leases are equal when every field is.
    friend constexpr bool operator==(const Lease &, const Lease &) noexcept = default;
};

} // namespace sel4::net
