/// @file
/// Typed messages in message registers: a message type is a struct with a label and a list
/// of fields; encode() lays it out in words, decode() checks and reads it back, and a
/// Protocol (a list of message types) decodes whichever of its types a label names. Every
/// malformed message is a DecodeError value, never a fault.
///
/// ```cpp
/// enum class Mode : std::uint8_t { read, write, append };
/// constexpr sel4::message::EnumRange<Mode> message_enum_range(Mode) { return {Mode::read, Mode::append}; }
///
/// struct Open {
///     static constexpr sel4::message::Word label = 1;
///     static constexpr const char *name = "Open";        // optional, for errors
///     std::array<char, 20> path;
///     Mode mode;
///     bool create;
///     static constexpr auto fields = std::tuple{sel4::message::Field{"path", &Open::path},
///         sel4::message::Field{"mode", &Open::mode}, sel4::message::Field{"create", &Open::create}};
/// };
/// using Requests = sel4::message::Protocol<Open, Close>;
/// ```
///
/// The layout, in order of the fields: an integer, an enum or a bool takes one word, its value
/// zero-extended (a signed integer as its two's-complement bits of its own width: int8_t -1
/// is 0xff); a byte array of N bytes takes ceil(N / 8) words, byte i in word i / 8 at bits
/// 8 * (i % 8) up. Decoding requires the type's exact length, no bit set above a field's
/// width (or in a byte array's unused bytes), a bool of 0 or 1, and an enum inside the range
/// its type declares with `message_enum_range` (found by argument-dependent lookup: declare
/// it next to the enum; the range is contiguous, first to last).
#pragma once

#include <sel4/message/error.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

namespace sel4::message {

/// The most words a message has (seL4_MsgMaxLength).
inline constexpr std::size_t max_words = 120;
/// The largest label (a message info's label has 52 bits on 64-bit seL4).
inline constexpr Word max_label = (Word{1} << 52) - 1;
/// The label of an error reply (ErrorReply), which no message type may have.
inline constexpr Word error_label = max_label;

/// The valid values of an enum field, first to last (inclusive, contiguous).
template <class E> struct EnumRange {
    E first; ///< The smallest valid value.
    E last;  ///< The largest valid value.
};

/// A field of the message type `C`: its name (for errors) and its member.
template <class C, class T> struct Field {
    const char *name; ///< The field's name.
    T C::*member;     ///< The member that holds it.
};
/// Deduces the field's types from its member.
template <class C, class T> Field(const char *, T C::*) -> Field<C, T>;

namespace detail {

template <class T> struct ByteArrayTraits : std::false_type {};
template <class B, std::size_t N>
struct ByteArrayTraits<std::array<B, N>>
    : std::bool_constant<std::is_same_v<B, std::byte> || std::is_same_v<B, std::uint8_t> || std::is_same_v<B, char> ||
                         std::is_same_v<B, std::int8_t>> {};

template <class E>
concept RangedEnum = std::is_enum_v<E> && requires {
    { message_enum_range(E{}) } -> std::same_as<EnumRange<E>>;
};

} // namespace detail

/// A type a field may have: an integer of at most 64 bits, bool, an enum with a declared
/// range, or a std::array of bytes (std::byte, char, int8_t, uint8_t).
template <class T>
concept FieldType = std::same_as<T, bool> || (std::integral<T> && sizeof(T) <= sizeof(Word)) ||
                    detail::RangedEnum<T> || detail::ByteArrayTraits<T>::value;

namespace detail {

template <class M, class F> struct IsFieldOf : std::false_type {};
template <class M, class T> struct IsFieldOf<M, Field<M, T>> : std::bool_constant<FieldType<T>> {};

template <class M, class Tuple> struct AllFields : std::false_type {};
template <class M, class... Fs> struct AllFields<M, std::tuple<Fs...>> : std::bool_constant<(IsFieldOf<M, Fs>::value && ...)> {};

} // namespace detail

/// A message type: default-constructible, with a `label` (at most max_label, not
/// error_label) and `fields`, a std::tuple of Field<M, T> of FieldTypes.
template <class M>
concept Message = std::is_default_constructible_v<M> && requires {
    { M::label } -> std::convertible_to<Word>;
    M::fields;
} && detail::AllFields<M, std::remove_cv_t<decltype(M::fields)>>::value;

namespace detail {

template <class T> constexpr std::size_t words_of() noexcept {
    if constexpr (ByteArrayTraits<T>::value)
        return (std::tuple_size_v<T> + sizeof(Word) - 1) / sizeof(Word);
    else
        return 1;
}

template <class T> struct FieldValue;
template <class C, class T> struct FieldValue<Field<C, T>> {
    using type = T;
};

template <class M> constexpr std::size_t word_count() noexcept {
    return std::apply([](const auto &...fields) { return (std::size_t{0} + ... + words_of<typename FieldValue<std::remove_cvref_t<decltype(fields)>>::type>()); },
                      M::fields);
}

template <class M> constexpr const char *name_of() noexcept {
    if constexpr (requires { { M::name } -> std::convertible_to<const char *>; })
        return M::name;
    else
        return nullptr;
}

// The integer an integral or enum field is carried as.
template <class T> using CarrierOf = std::make_unsigned_t<typename std::conditional_t<std::is_enum_v<T>, std::underlying_type<T>, std::type_identity<T>>::type>;

template <class T> constexpr void put_field(const T &value, Word *out) noexcept {
    if constexpr (std::is_same_v<T, bool>) {
        out[0] = value ? 1 : 0;
    } else if constexpr (ByteArrayTraits<T>::value) {
        for (std::size_t w = 0; w < words_of<T>(); ++w)
            out[w] = 0;
        for (std::size_t i = 0; i < value.size(); ++i)
            out[i / sizeof(Word)] |= Word{static_cast<std::uint8_t>(value[i])} << (8 * (i % sizeof(Word)));
    } else {
        out[0] = static_cast<Word>(static_cast<CarrierOf<T>>(value));
    }
}

// Reads a field at `in`; on a malformed value fills kind, word (relative to in) and value.
template <class T> constexpr bool get_field(const Word *in, T &value, DecodeError &error) noexcept {
    if constexpr (std::is_same_v<T, bool>) {
        if (in[0] > 1) {
            error.kind = DecodeErrorKind::bool_out_of_range;
            error.value = in[0];
            return false;
        }
        value = in[0] == 1;
        return true;
    } else if constexpr (ByteArrayTraits<T>::value) {
        using Byte = typename T::value_type;
        for (std::size_t i = 0; i < value.size(); ++i)
            value[i] = static_cast<Byte>(static_cast<std::uint8_t>(in[i / sizeof(Word)] >> (8 * (i % sizeof(Word)))));
        if constexpr (constexpr std::size_t used = std::tuple_size_v<T> % sizeof(Word); used != 0) {
            const Word last = in[words_of<T>() - 1];
            if ((last >> (8 * used)) != 0) {
                error.kind = DecodeErrorKind::nonzero_padding;
                error.word = static_cast<std::uint16_t>(words_of<T>() - 1);
                error.value = last;
                return false;
            }
        }
        return true;
    } else {
        using Carrier = CarrierOf<T>;
        if constexpr (sizeof(Carrier) < sizeof(Word)) {
            if ((in[0] >> (8 * sizeof(Carrier))) != 0) {
                error.kind = DecodeErrorKind::nonzero_padding;
                error.value = in[0];
                return false;
            }
        }
        const T decoded = static_cast<T>(static_cast<Carrier>(in[0]));
        if constexpr (std::is_enum_v<T>) {
            using U = std::underlying_type_t<T>;
            constexpr EnumRange<T> range = message_enum_range(T{});
            if (static_cast<U>(decoded) < static_cast<U>(range.first) || static_cast<U>(decoded) > static_cast<U>(range.last)) {
                error.kind = DecodeErrorKind::enum_out_of_range;
                error.value = in[0];
                return false;
            }
        }
        value = decoded;
        return true;
    }
}

template <class M> constexpr void check_type() noexcept {
    static_assert(Message<M>, "not a message type: a label, and fields of Field<M, T> with FieldType T");
    static_assert(Word{M::label} <= max_label, "a message's label has at most 52 bits");
    static_assert(word_count<M>() <= max_words, "a message has at most 120 words");
}

} // namespace detail

/// The number of words of the message type `M`.
template <Message M> inline constexpr std::size_t word_count = detail::word_count<M>();

/// What encode() returns besides the words: the message info's label and length.
struct Header {
    Word label;         ///< The message's label.
    std::size_t length; ///< Its length in words.
    /// Equal when both parts are.
    constexpr bool operator==(const Header &) const noexcept = default;
};

/// A message laid out in words, with its label and length (encode(message)).
template <Message M> struct Encoded {
    Word label;                                  ///< The message's label.
    std::size_t length;                          ///< word_count<M>.
    std::array<Word, word_count<M>> words;        ///< The words.
    /// The words, as decode() takes them.
    constexpr std::span<const Word> span() const noexcept { return words; }
};

/// Lays `message` out in `out` (message registers, such as an IPC buffer's): word_count<M>
/// words; returns the label and length of its message info.
template <Message M> constexpr Header encode(const M &message, std::span<Word, max_words> out) noexcept {
    detail::check_type<M>();
    std::size_t at = 0;
    std::apply(
        [&](const auto &...fields) {
            ((detail::put_field(message.*(fields.member), out.data() + at),
              at += detail::words_of<typename detail::FieldValue<std::remove_cvref_t<decltype(fields)>>::type>()),
             ...);
        },
        M::fields);
    return {Word{M::label}, at};
}

/// Lays `message` out in words of its own.
template <Message M> constexpr Encoded<M> encode(const M &message) noexcept {
    std::array<Word, max_words> all{};
    const Header header = encode(message, std::span<Word, max_words>(all));
    Encoded<M> encoded{header.label, header.length, {}};
    for (std::size_t i = 0; i < word_count<M>; ++i)
        encoded.words[i] = all[i];
    return encoded;
}

/// Reads a message of type `M` from the `length` first of `words`, whose message info has
/// `label`; a DecodeError for any malformed message (a label that is not M's, a length that
/// is not M's, a field's bad value).
template <Message M>
constexpr std::expected<M, DecodeError> decode(Word label, std::size_t length, std::span<const Word> words) noexcept {
    detail::check_type<M>();
    DecodeError error{DecodeErrorKind::unknown_label};
    error.label = label;
    error.length = static_cast<std::uint32_t>(length);
    error.expected_length = static_cast<std::uint32_t>(word_count<M>);
    error.message_name = detail::name_of<M>();
    if (label != Word{M::label})
        return std::unexpected(error);
    if (length != word_count<M>) {
        error.kind = length < word_count<M> ? DecodeErrorKind::too_few_words : DecodeErrorKind::too_many_words;
        return std::unexpected(error);
    }
    if (length > words.size()) {
        error.kind = DecodeErrorKind::length_beyond_buffer;
        return std::unexpected(error);
    }
    M message{};
    std::size_t at = 0;
    std::uint16_t index = 0;
    const bool ok = std::apply(
        [&](const auto &...fields) {
            return ([&] {
                using T = typename detail::FieldValue<std::remove_cvref_t<decltype(fields)>>::type;
                if (!detail::get_field(words.data() + at, message.*(fields.member), error)) {
                    error.field = index;
                    error.word = static_cast<std::uint16_t>(error.word + at);
                    error.field_name = fields.name;
                    return false;
                }
                at += detail::words_of<T>();
                ++index;
                return true;
            }() && ...);
        },
        M::fields);
    if (!ok)
        return std::unexpected(error);
    return message;
}

/// A list of message types with distinct labels: the requests a server takes, or the
/// responses a client expects.
template <Message... Ms> struct Protocol {
    /// A decoded message: one of the types.
    using Variant = std::variant<Ms...>;

    /// Reads whichever message type `label` names (as decode<M>() does), or a DecodeError
    /// (an unknown label among them).
    static constexpr std::expected<Variant, DecodeError> decode(Word label, std::size_t length,
                                                                std::span<const Word> words) noexcept {
        return decode_at(label, length, words, std::index_sequence_for<Ms...>());
    }

    /// Whether `label` is one of the types'.
    static constexpr bool has_label(Word label) noexcept { return ((label == Word{Ms::label}) || ...); }

private:
    static constexpr bool labels_distinct() noexcept {
        constexpr Word labels[] = {Word{Ms::label}...};
        for (std::size_t i = 0; i < sizeof...(Ms); ++i)
            for (std::size_t j = i + 1; j < sizeof...(Ms); ++j)
                if (labels[i] == labels[j])
                    return false;
        return true;
    }
    static_assert(sizeof...(Ms) > 0, "a protocol has at least one message type");
    static_assert(labels_distinct(), "the message types of a protocol need distinct labels");
    static_assert(((Word{Ms::label} != error_label) && ...), "error_label is the error reply's");

    template <std::size_t... I>
    static constexpr std::expected<Variant, DecodeError> decode_at(Word label, std::size_t length, std::span<const Word> words,
                                                                   std::index_sequence<I...>) noexcept {
        DecodeError unknown{DecodeErrorKind::unknown_label};
        unknown.label = label;
        unknown.length = static_cast<std::uint32_t>(length);
        std::expected<Variant, DecodeError> result = std::unexpected(unknown);
        (void)((label == Word{Ms::label} ? (result = wrap<I>(message::decode<Ms>(label, length, words)), true) : false) ||
               ...);
        return result;
    }
    template <std::size_t I, class M>
    static constexpr std::expected<Variant, DecodeError> wrap(std::expected<M, DecodeError> decoded) noexcept {
        if (!decoded)
            return std::unexpected(decoded.error());
        return Variant(std::in_place_index<I>, *decoded);
    }
};

/// The range of DecodeErrorKind, for ErrorReply's field.
constexpr EnumRange<DecodeErrorKind> message_enum_range(DecodeErrorKind) noexcept {
    return {DecodeErrorKind::unknown_label, DecodeErrorKind::enum_out_of_range};
}

/// The reply of a server to a request that did not decode: the server's DecodeError (without
/// the names, which are the server's), label error_label.
struct ErrorReply {
    static constexpr Word label = error_label;        ///< error_label.
    static constexpr const char *name = "ErrorReply"; ///< For errors about the reply itself.
    DecodeErrorKind kind = DecodeErrorKind::unknown_label; ///< DecodeError::kind.
    Word request_label = 0;                                ///< DecodeError::label.
    std::uint32_t length = 0;                              ///< DecodeError::length.
    std::uint32_t expected_length = 0;                     ///< DecodeError::expected_length.
    std::uint16_t field = 0;                               ///< DecodeError::field.
    std::uint16_t word = 0;                                ///< DecodeError::word.
    Word value = 0;                                        ///< DecodeError::value.
    /// The fields, in order.
    static constexpr auto fields =
        std::tuple{Field{"kind", &ErrorReply::kind},   Field{"request_label", &ErrorReply::request_label},
                   Field{"length", &ErrorReply::length}, Field{"expected_length", &ErrorReply::expected_length},
                   Field{"field", &ErrorReply::field}, Field{"word", &ErrorReply::word},
                   Field{"value", &ErrorReply::value}};

    /// The reply for `error`.
    static constexpr ErrorReply of(const DecodeError &error) noexcept {
        return {error.kind, error.label, error.length, error.expected_length, error.field, error.word, error.value};
    }
    /// The server's error (no names).
    constexpr DecodeError error() const noexcept {
        DecodeError error{kind};
        error.label = request_label;
        error.length = length;
        error.expected_length = expected_length;
        error.field = field;
        error.word = word;
        error.value = value;
        return error;
    }
    /// The server's error with the names of the request type `M` the client sent, if the
    /// error is about a message with M's label.
    template <Message M> constexpr DecodeError error_about() const noexcept {
        DecodeError named = error();
        if (request_label == Word{M::label}) {
            named.message_name = detail::name_of<M>();
            if (named.is_field_error()) {
                std::uint16_t index = 0;
                std::apply([&](const auto &...fields) { ((index++ == field ? (named.field_name = fields.name) : nullptr), ...); },
                           M::fields);
            }
        }
        return named;
    }
};

} // namespace sel4::message
