// The monitor's lines on the kernel's debug console, in the shape Microkit 2.3's monitor gives
// them: `MON|INFO: ` and `MON|ERROR: ` prefixes (the test runner fails a run on the latter), and
// numbers in hex padded to their width (0x%08x for 32-bit fields, 0x%016x for words).
#pragma once

#include <sel4/sel4.hpp>

#include <cstdint>
#include <string_view>

namespace monitor {

/// A number as `0x` and a fixed count of hex digits; prints as a string (sel4::debug takes
/// anything that converts to std::string_view).
template <unsigned Digits> class Hex {
public:
    constexpr explicit Hex(std::uint64_t value) noexcept {
        text_[0] = '0';
        text_[1] = 'x';
        for (unsigned i = 0; i < Digits; ++i, value >>= 4)
            text_[1 + Digits - i] = "0123456789abcdef"[value & 0xf];
    }
    constexpr operator std::string_view() const noexcept { return {text_, sizeof text_}; }

private:
    char text_[2 + Digits];
};

/// A word: 0x and 16 digits.
constexpr Hex<16> hex64(std::uint64_t value) noexcept { return Hex<16>(value); }
/// A 32-bit field (a message label, an ESR's parts): 0x and 8 digits.
constexpr Hex<8> hex32(std::uint64_t value) noexcept { return Hex<8>(value); }

/// Prints `MON|INFO: ` and the formatted line.
template <class... Args> void info(std::string_view format, const Args &...args) noexcept {
    sel4::debug::print("MON|INFO: ");
    sel4::debug::println(format, args...);
}

/// Prints `MON|ERROR: ` and the formatted line.
template <class... Args> void error(std::string_view format, const Args &...args) noexcept {
    sel4::debug::print("MON|ERROR: ");
    sel4::debug::println(format, args...);
}

/// The name of a kernel error (seL4_Error), for the monitor's messages.
std::string_view error_name(sel4::Error error) noexcept;

} // namespace monitor
