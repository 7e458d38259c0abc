/// @file
/// Why a message did not decode: DecodeError, an error value with what was wrong and where.
#pragma once

#include <sel4/format.hpp>

#include <cstdint>
#include <string_view>

namespace sel4::message {

/// A message register (seL4_Word). Messages are laid out for 64-bit words.
using Word = std::uintptr_t;
static_assert(sizeof(Word) == 8, "sel4::message lays messages out in 64-bit words");

/// What was wrong with a message that did not decode.
enum class DecodeErrorKind : std::uint8_t {
    unknown_label = 1,    ///< No message type of the protocol has the message's label.
    too_few_words,        ///< The message is shorter than its type's words.
    too_many_words,       ///< The message is longer than its type's words.
    length_beyond_buffer, ///< The message's length exceeds the words it is read from.
    nonzero_padding,      ///< Bits beyond a field's width (or a byte array's unused bytes) are set.
    bool_out_of_range,    ///< A bool field is neither 0 nor 1.
    enum_out_of_range,    ///< An enum field is outside its type's declared range.
};

/// A sentence for `kind`.
constexpr const char *describe(DecodeErrorKind kind) noexcept {
    switch (kind) {
    case DecodeErrorKind::unknown_label: return "no message of the protocol has this label";
    case DecodeErrorKind::too_few_words: return "the message has fewer words than its type";
    case DecodeErrorKind::too_many_words: return "the message has more words than its type";
    case DecodeErrorKind::length_beyond_buffer: return "the message's length exceeds the words it is read from";
    case DecodeErrorKind::nonzero_padding: return "bits beyond the field's width are set";
    case DecodeErrorKind::bool_out_of_range: return "a bool field is neither 0 nor 1";
    case DecodeErrorKind::enum_out_of_range: return "an enum field is outside its declared range";
    }
    return "unknown decode error";
}

/// A message that did not decode: what was wrong, in which message and where.
struct DecodeError {
    DecodeErrorKind kind;            ///< What was wrong.
    Word label = 0;                  ///< The message's label.
    std::uint32_t length = 0;        ///< The message's length in words.
    std::uint32_t expected_length = 0; ///< Its type's length in words (0 for an unknown label).
    std::uint16_t field = 0;         ///< For a field's error: the field's index in its type.
    std::uint16_t word = 0;          ///< For a field's error: the index of the offending word.
    Word value = 0;                  ///< For a field's error: the offending word.
    const char *message_name = nullptr; ///< The message type's name, if known.
    const char *field_name = nullptr;   ///< The field's name, if known (field errors).

    /// Whether the error is about one field (padding, bool or enum), with field and word set.
    constexpr bool is_field_error() const noexcept { return kind >= DecodeErrorKind::nonzero_padding; }
    /// A sentence for the kind of error.
    constexpr const char *describe() const noexcept { return message::describe(kind); }
    /// Equal when every part is (the names are compared as pointers).
    constexpr bool operator==(const DecodeError &) const noexcept = default;
};

/// Writes a full description of `error` to `out` (a callable taking a char, as sel4::fmt's
/// format_to takes), e.g. `message Write (label 0x2), field 'mode' (word 3): an enum field is
/// outside its declared range: 9`.
template <class Out> void format_to(Out &&out, const DecodeError &error) noexcept {
    fmt::format_to(out, "message ");
    if (error.message_name != nullptr)
        fmt::format_to(out, "{} ", error.message_name);
    fmt::format_to(out, "(label {:#x}, {} words", error.label, error.length);
    if (error.expected_length != 0 || error.kind == DecodeErrorKind::too_few_words)
        fmt::format_to(out, ", its type has {}", error.expected_length);
    fmt::format_to(out, ")");
    if (error.is_field_error()) {
        fmt::format_to(out, ", field {}", error.field);
        if (error.field_name != nullptr)
            fmt::format_to(out, " '{}'", error.field_name);
        fmt::format_to(out, " (word {}): {}: {:#x}", error.word, error.describe(), error.value);
    } else {
        fmt::format_to(out, ": {}", error.describe());
    }
}

} // namespace sel4::message
