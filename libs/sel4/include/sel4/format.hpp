/// @file
/// A small formatter with no heap and no C library, for the debug console and logs:
/// `sel4::fmt::format_to(out, "retyped {} objects at {:#x}", n, paddr)`, where `out` is
/// any callable taking a char.
///
/// Replacement fields: `{}` (decimal for integers), `{:x}` / `{:#x}` (hex, with 0x),
/// `{:b}` / `{:#b}` (binary), `{:c}` (a character). Arguments: integers, enums, bool, char,
/// `const char *`, std::string_view, pointers (printed as hex). `{{` and `}}` print
/// braces; a field with no argument left prints `{?}`.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

/// The formatter of sel4/format.hpp, beneath sel4::debug.
namespace sel4::fmt {

/// A replacement field's format spec, `{:#x}`.
struct Spec {
    char type = 0;          ///< The presentation: 0 (the default), 'x', 'b', 'c' or 'd'.
    bool alternate = false; ///< `#`: a 0x or 0b prefix for hex and binary.
};

namespace detail {

template <class Out> void put(Out &out, std::string_view text) {
    for (char c : text)
        out(c);
}

template <class Out> void put_unsigned(Out &out, std::uintmax_t value, unsigned base, bool alternate) {
    if (alternate && base == 16)
        put(out, "0x");
    if (alternate && base == 2)
        put(out, "0b");
    char digits[sizeof(value) * 8];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[value % base];
        value /= base;
    } while (value != 0);
    while (n > 0)
        out(digits[--n]);
}

template <class Out, class T> void put_value(Out &out, const T &value, Spec spec) {
    if constexpr (std::is_same_v<T, bool>) {
        put(out, value ? "true" : "false");
    } else if constexpr (std::is_same_v<T, char>) {
        out(value);
    } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
        using U = std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>, std::type_identity<T>>::type;
        U v = static_cast<U>(value);
        if (spec.type == 'c') {
            out(static_cast<char>(v));
        } else if (spec.type == 'x' || spec.type == 'b') {
            put_unsigned(out, static_cast<std::make_unsigned_t<U>>(v), spec.type == 'x' ? 16 : 2, spec.alternate);
        } else if constexpr (std::is_signed_v<U>) {
            if (v < 0)
                out('-');
            put_unsigned(out, v < 0 ? -static_cast<std::uintmax_t>(v) : static_cast<std::uintmax_t>(v), 10, false);
        } else {
            put_unsigned(out, v, 10, false);
        }
    } else if constexpr (std::is_convertible_v<const T &, const char *>) {
        // Walked here rather than measured with strlen, which a freestanding program may lack.
        for (const char *c = value; *c != '\0'; ++c)
            out(*c);
    } else if constexpr (std::is_convertible_v<const T &, std::string_view>) {
        put(out, std::string_view(value));
    } else if constexpr (std::is_pointer_v<T>) {
        put_unsigned(out, reinterpret_cast<std::uintptr_t>(value), 16, true);
    } else {
        static_assert(sizeof(T) == 0, "sel4::debug cannot print this type");
    }
}

// Prints `format` up to its next replacement field and returns the rest after it, with
// the field's spec; returns an empty view when no field is left. (Written with indices
// only: string_view's find and substr would need memchr and exceptions.)
template <class Out> std::string_view put_until_field(Out &out, std::string_view format, Spec &spec, bool &found) {
    found = false;
    std::size_t i = 0;
    while (i < format.size()) {
        const char c = format[i++];
        if ((c == '{' || c == '}') && i < format.size() && format[i] == c) {
            out(c);
            ++i;
        } else if (c == '{') {
            spec = {};
            if (i < format.size() && format[i] == ':') {
                ++i;
                if (i < format.size() && format[i] == '#') {
                    spec.alternate = true;
                    ++i;
                }
                if (i < format.size() && format[i] != '}')
                    spec.type = format[i];
            }
            while (i < format.size() && format[i] != '}')
                ++i;
            found = true;
            format.remove_prefix(i < format.size() ? i + 1 : i);
            return format;
        } else {
            out(c);
        }
    }
    return {};
}

} // namespace detail

/// Writes `format` to `out` (one call of `out(char)` per character), its replacement fields
/// replaced by `args` in order.
///
/// An argument of a type it cannot print is a compile-time error. Fields beyond the
/// arguments print as `{?}`, arguments beyond the fields are ignored, and an integer with an
/// unknown presentation prints in decimal. It throws only what `out` throws.
template <class Out, class... Args> void format_to(Out &&out, std::string_view format, const Args &...args) {
    Spec spec;
    bool found = false;
    (
        [&] {
            format = detail::put_until_field(out, format, spec, found);
            if (found)
                detail::put_value(out, args, spec);
        }(),
        ...);
    // Fields beyond the arguments are printed as "{?}"; text after the last is printed.
    while (!format.empty()) {
        format = detail::put_until_field(out, format, spec, found);
        if (found)
            detail::put(out, "{?}");
    }
}

} // namespace sel4::fmt
