// sel4::message's codec on the host: round trips of every field type with random values
// (property style, fixed seeds), the layout of each type, a protocol's dispatch, and every
// malformed message as its DecodeError.
#include <sel4/message.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace {

namespace msg = sel4::message;
using msg::Word;

enum class Colour : std::uint8_t { red = 3, green, blue }; // 3..5
constexpr msg::EnumRange<Colour> message_enum_range(Colour) noexcept { return {Colour::red, Colour::blue}; }
enum class Offset : std::int16_t { minus_two = -2, minus_one, zero, plus_one }; // -2..1
constexpr msg::EnumRange<Offset> message_enum_range(Offset) noexcept { return {Offset::minus_two, Offset::plus_one}; }

struct Integers {
    static constexpr Word label = 0x10;
    static constexpr const char *name = "Integers";
    std::uint8_t u8;
    std::uint16_t u16;
    std::uint32_t u32;
    std::uint64_t u64;
    std::int8_t i8;
    std::int16_t i16;
    std::int32_t i32;
    std::int64_t i64;
    char c;
    static constexpr auto fields = std::tuple{
        msg::Field{"u8", &Integers::u8},   msg::Field{"u16", &Integers::u16}, msg::Field{"u32", &Integers::u32},
        msg::Field{"u64", &Integers::u64}, msg::Field{"i8", &Integers::i8},   msg::Field{"i16", &Integers::i16},
        msg::Field{"i32", &Integers::i32}, msg::Field{"i64", &Integers::i64}, msg::Field{"c", &Integers::c}};
    bool operator==(const Integers &) const = default;
};

struct Flags {
    static constexpr Word label = 0x11;
    static constexpr const char *name = "Flags";
    bool on;
    Colour colour;
    Offset offset;
    bool off;
    static constexpr auto fields = std::tuple{msg::Field{"on", &Flags::on}, msg::Field{"colour", &Flags::colour},
                                              msg::Field{"offset", &Flags::offset}, msg::Field{"off", &Flags::off}};
    bool operator==(const Flags &) const = default;
};

struct Bytes {
    static constexpr Word label = 0x12;
    static constexpr const char *name = "Bytes";
    std::array<std::byte, 1> one;
    std::array<char, 7> seven;
    std::array<std::uint8_t, 8> eight;
    std::array<std::int8_t, 9> nine;
    std::array<std::byte, 20> twenty;
    std::uint8_t after;
    static constexpr auto fields =
        std::tuple{msg::Field{"one", &Bytes::one},   msg::Field{"seven", &Bytes::seven}, msg::Field{"eight", &Bytes::eight},
                   msg::Field{"nine", &Bytes::nine}, msg::Field{"twenty", &Bytes::twenty}, msg::Field{"after", &Bytes::after}};
    bool operator==(const Bytes &) const = default;
};

struct Empty { // no fields, no name
    static constexpr Word label = 0x13;
    static constexpr std::tuple<> fields{};
    bool operator==(const Empty &) const = default;
};

struct Largest { // 120 words
    static constexpr Word label = msg::max_label - 1;
    std::array<std::byte, 120 * 8> data;
    static constexpr auto fields = std::tuple{msg::Field{"data", &Largest::data}};
};

using Everything = msg::Protocol<Integers, Flags, Bytes, Empty>;

static_assert(msg::word_count<Integers> == 9);
static_assert(msg::word_count<Flags> == 4);
static_assert(msg::word_count<Bytes> == 1 + 1 + 1 + 2 + 3 + 1);
static_assert(msg::word_count<Empty> == 0);
static_assert(msg::word_count<Largest> == msg::max_words);
static_assert(msg::Message<msg::ErrorReply> && !msg::Message<int>);
static_assert(Everything::has_label(0x12) && !Everything::has_label(0x14));

// A round trip in a constant expression: the codec is constexpr.
constexpr bool constexpr_round_trip() {
    const Flags flags{true, Colour::blue, Offset::minus_two, false};
    const auto encoded = msg::encode(flags);
    const auto decoded = msg::decode<Flags>(encoded.label, encoded.length, encoded.span());
    return decoded.has_value() && *decoded == flags && encoded.words[2] == 0xfffe;
}
static_assert(constexpr_round_trip());

template <class T> T random_integer(std::mt19937_64 &random) {
    return static_cast<T>(random()); // every bit pattern of T
}

template <class M> M round_trip(const M &message) {
    const auto encoded = msg::encode(message);
    EXPECT_EQ(encoded.label, M::label);
    EXPECT_EQ(encoded.length, msg::word_count<M>);
    const auto decoded = msg::decode<M>(encoded.label, encoded.length, encoded.span());
    EXPECT_TRUE(decoded.has_value()) << (decoded ? "" : decoded.error().describe());
    return decoded.value_or(M{});
}

TEST(RoundTrip, IntegersOfEveryWidthAndSign) {
    std::mt19937_64 random(1);
    for (int i = 0; i < 2000; ++i) {
        const Integers message{random_integer<std::uint8_t>(random),  random_integer<std::uint16_t>(random),
                               random_integer<std::uint32_t>(random), random_integer<std::uint64_t>(random),
                               random_integer<std::int8_t>(random),   random_integer<std::int16_t>(random),
                               random_integer<std::int32_t>(random),  random_integer<std::int64_t>(random),
                               random_integer<char>(random)};
        ASSERT_EQ(round_trip(message), message) << "seed 1, iteration " << i;
    }
    // The extremes.
    using L8 = std::numeric_limits<std::int8_t>;
    using L64 = std::numeric_limits<std::int64_t>;
    const Integers low{0, 0, 0, 0, L8::min(), INT16_MIN, INT32_MIN, L64::min(), '\0'};
    const Integers high{UINT8_MAX, UINT16_MAX, UINT32_MAX, UINT64_MAX, L8::max(), INT16_MAX, INT32_MAX, L64::max(), '\x7f'};
    EXPECT_EQ(round_trip(low), low);
    EXPECT_EQ(round_trip(high), high);
}

TEST(RoundTrip, BoolsAndEnumsOverTheirWholeRanges) {
    std::mt19937_64 random(2);
    for (int i = 0; i < 2000; ++i) {
        const Flags message{(random() & 1) != 0, static_cast<Colour>(3 + random() % 3),
                            static_cast<Offset>(static_cast<int>(random() % 4) - 2), (random() & 1) != 0};
        ASSERT_EQ(round_trip(message), message) << "seed 2, iteration " << i;
    }
}

TEST(RoundTrip, ByteArraysOfEverySizeAroundAWord) {
    std::mt19937_64 random(3);
    for (int i = 0; i < 2000; ++i) {
        Bytes message{};
        for (auto &b : message.one) b = static_cast<std::byte>(random());
        for (auto &b : message.seven) b = static_cast<char>(random());
        for (auto &b : message.eight) b = static_cast<std::uint8_t>(random());
        for (auto &b : message.nine) b = static_cast<std::int8_t>(random());
        for (auto &b : message.twenty) b = static_cast<std::byte>(random());
        message.after = static_cast<std::uint8_t>(random());
        ASSERT_EQ(round_trip(message), message) << "seed 3, iteration " << i;
    }
    EXPECT_EQ(round_trip(Empty{}), Empty{});
    Largest largest{};
    for (std::size_t i = 0; i < largest.data.size(); ++i)
        largest.data[i] = static_cast<std::byte>(i * 7);
    const auto decoded = round_trip(largest);
    EXPECT_EQ(decoded.data, largest.data);
}

TEST(Layout, FieldsInOrderZeroExtendedAndBytesLittleEndian) {
    const Integers integers{0xab, 0xcdef, 1, 2, -1, -2, -3, -4, 'x'};
    const auto words = msg::encode(integers).words;
    EXPECT_EQ(words[0], 0xabu);
    EXPECT_EQ(words[1], 0xcdefu);
    EXPECT_EQ(words[4], 0xffu); // int8_t -1: its own width, zero-extended
    EXPECT_EQ(words[5], 0xfffeu);
    EXPECT_EQ(words[6], 0xfffffffdu);
    EXPECT_EQ(words[7], 0xfffffffffffffffcu);
    EXPECT_EQ(words[8], Word{'x'});

    Bytes bytes{};
    bytes.seven = {'a', 'b', 'c', 'd', 'e', 'f', 'g'};
    bytes.nine = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    bytes.after = 0x5a;
    const auto encoded = msg::encode(bytes).words;
    EXPECT_EQ(encoded[1], 0x0067666564636261u); // 'a' in the low byte, the eighth byte unused
    EXPECT_EQ(encoded[3], 0x0807060504030201u);
    EXPECT_EQ(encoded[4], 0x09u);
    EXPECT_EQ(encoded[8], 0x5au);

    // Into message registers: the words at the start, the rest untouched.
    std::array<Word, msg::max_words> registers;
    registers.fill(0xdead);
    const msg::Header header = msg::encode(Flags{true, Colour::green, Offset::zero, true}, registers);
    EXPECT_EQ(header, (msg::Header{0x11, 4}));
    EXPECT_EQ(registers[0], 1u);
    EXPECT_EQ(registers[1], 4u);
    EXPECT_EQ(registers[2], 0u);
    EXPECT_EQ(registers[4], 0xdeadu);
}

TEST(Protocol, DecodesTheTypeTheLabelNames) {
    const auto flags = msg::encode(Flags{false, Colour::red, Offset::plus_one, true});
    const auto decoded = Everything::decode(flags.label, flags.length, flags.span());
    ASSERT_TRUE(decoded.has_value());
    ASSERT_TRUE(std::holds_alternative<Flags>(*decoded));
    EXPECT_EQ(std::get<Flags>(*decoded), (Flags{false, Colour::red, Offset::plus_one, true}));
    const auto empty = Everything::decode(Empty::label, 0, {});
    ASSERT_TRUE(empty.has_value());
    EXPECT_EQ(empty->index(), 3u);
}

// The error of decoding `words` (length = their number) as `M` (or by the protocol).
template <class M> msg::DecodeError error_of(Word label, std::span<const Word> words, std::size_t length) {
    const auto decoded = msg::decode<M>(label, length, words);
    EXPECT_FALSE(decoded.has_value());
    return decoded ? msg::DecodeError{} : decoded.error();
}
template <class M> msg::DecodeError error_of(Word label, std::span<const Word> words) {
    return error_of<M>(label, words, words.size());
}

TEST(Malformed, UnknownLabel) {
    const auto decoded = Everything::decode(0x99, 0, {});
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error().kind, msg::DecodeErrorKind::unknown_label);
    EXPECT_EQ(decoded.error().label, 0x99u);
    EXPECT_EQ(decoded.error().message_name, nullptr);
    const msg::DecodeError one = error_of<Flags>(0x10, msg::encode(Flags{}).span());
    EXPECT_EQ(one.kind, msg::DecodeErrorKind::unknown_label);
}

TEST(Malformed, TooFewAndTooManyWords) {
    const auto flags = msg::encode(Flags{true, Colour::red, Offset::zero, false});
    std::array<Word, 5> longer{};
    for (std::size_t i = 0; i < 4; ++i)
        longer[i] = flags.words[i];
    const msg::DecodeError few = error_of<Flags>(Flags::label, std::span(flags.words).first(3));
    EXPECT_EQ(few.kind, msg::DecodeErrorKind::too_few_words);
    EXPECT_EQ(few.length, 3u);
    EXPECT_EQ(few.expected_length, 4u);
    const msg::DecodeError many = error_of<Flags>(Flags::label, longer);
    EXPECT_EQ(many.kind, msg::DecodeErrorKind::too_many_words);
    EXPECT_EQ(many.length, 5u);
    EXPECT_STREQ(many.message_name, "Flags");
    // Through the protocol too.
    const auto decoded = Everything::decode(Flags::label, 3, flags.span());
    ASSERT_FALSE(decoded.has_value());
    EXPECT_EQ(decoded.error().kind, msg::DecodeErrorKind::too_few_words);
    // An empty message with a word.
    const Word one_word[] = {0};
    EXPECT_EQ(error_of<Empty>(Empty::label, one_word).kind, msg::DecodeErrorKind::too_many_words);
}

TEST(Malformed, ALengthBeyondTheWordsGiven) {
    const auto flags = msg::encode(Flags{});
    const msg::DecodeError error = error_of<Flags>(Flags::label, std::span(flags.words).first(2), 4);
    EXPECT_EQ(error.kind, msg::DecodeErrorKind::length_beyond_buffer);
}

TEST(Malformed, ABoolThatIsNeitherZeroNorOne) {
    auto words = msg::encode(Flags{true, Colour::red, Offset::zero, true}).words;
    words[3] = 2;
    const msg::DecodeError error = error_of<Flags>(Flags::label, words);
    EXPECT_EQ(error.kind, msg::DecodeErrorKind::bool_out_of_range);
    EXPECT_EQ(error.field, 3);
    EXPECT_EQ(error.word, 3);
    EXPECT_EQ(error.value, 2u);
    EXPECT_STREQ(error.field_name, "off");
    words[3] = 1;
    words[0] = ~Word{0};
    EXPECT_EQ(error_of<Flags>(Flags::label, words).field, 0);
}

TEST(Malformed, AnEnumOutsideItsRange) {
    auto words = msg::encode(Flags{true, Colour::red, Offset::zero, true}).words;
    for (Word bad : {Word{0}, Word{2}, Word{6}, Word{255}}) {
        words[1] = bad;
        const msg::DecodeError error = error_of<Flags>(Flags::label, words);
        EXPECT_EQ(error.kind, msg::DecodeErrorKind::enum_out_of_range) << bad;
        EXPECT_STREQ(error.field_name, "colour");
        EXPECT_EQ(error.value, bad);
    }
    words[1] = 4;
    for (Word bad : {Word{0xfffd} /* -3 */, Word{2}, Word{0x7fff}}) {
        words[2] = bad;
        const msg::DecodeError error = error_of<Flags>(Flags::label, words);
        EXPECT_EQ(error.kind, msg::DecodeErrorKind::enum_out_of_range) << bad;
        EXPECT_EQ(error.field, 2);
    }
    words[2] = 0x1fffe; // -2 with a bit above the enum's width: padding first
    EXPECT_EQ(error_of<Flags>(Flags::label, words).kind, msg::DecodeErrorKind::nonzero_padding);
}

TEST(Malformed, BitsAboveAFieldsWidth) {
    auto words = msg::encode(Integers{}).words;
    const struct {
        std::size_t word;
        Word value;
    } cases[] = {{0, 0x100}, {1, 0x10000}, {2, Word{1} << 32}, {4, ~Word{0}} /* int8_t -1 sign-extended */,
                 {5, 0xffff0000}, {6, Word{1} << 63}, {8, 0x1ff}};
    for (const auto &c : cases) {
        auto bad = words;
        bad[c.word] = c.value;
        const msg::DecodeError error = error_of<Integers>(Integers::label, bad);
        EXPECT_EQ(error.kind, msg::DecodeErrorKind::nonzero_padding) << c.word;
        EXPECT_EQ(error.word, c.word);
        EXPECT_EQ(error.value, c.value);
    }
    words[3] = ~Word{0}; // a 64-bit field has no padding
    words[7] = ~Word{0};
    EXPECT_TRUE((msg::decode<Integers>(Integers::label, 9, words).has_value()));
}

TEST(Malformed, SetBytesBeyondAByteArray) {
    const auto good = msg::encode(Bytes{}).words;
    // one: word 0, bytes 1..7 unused; seven: word 1, byte 7; nine: words 3-4, bytes 1..7 of
    // word 4; twenty: words 5-7, bytes 4..7 of word 7.
    const struct {
        std::size_t word;
        Word value;
        std::uint16_t field;
        const char *name;
    } cases[] = {{0, 0x100, 0, "one"},
                 {1, Word{0xff} << 56, 1, "seven"},
                 {4, 0x0200, 3, "nine"},
                 {7, Word{1} << 32, 4, "twenty"}};
    for (const auto &c : cases) {
        auto bad = good;
        bad[c.word] = c.value;
        const msg::DecodeError error = error_of<Bytes>(Bytes::label, bad);
        EXPECT_EQ(error.kind, msg::DecodeErrorKind::nonzero_padding) << c.name;
        EXPECT_EQ(error.field, c.field) << c.name;
        EXPECT_EQ(error.word, c.word) << c.name;
        EXPECT_STREQ(error.field_name, c.name);
    }
    auto full = good;
    full[2] = ~Word{0}; // eight bytes fill their word
    EXPECT_TRUE((msg::decode<Bytes>(Bytes::label, full.size(), full).has_value()));
}

TEST(ErrorReply, CarriesTheErrorAndTheClientNamesIt) {
    auto words = msg::encode(Flags{true, Colour::red, Offset::zero, true}).words;
    words[1] = 9;
    const msg::DecodeError server_side = error_of<Flags>(Flags::label, words);
    const auto reply = msg::encode(msg::ErrorReply::of(server_side));
    EXPECT_EQ(reply.label, msg::error_label);
    const auto received = msg::decode<msg::ErrorReply>(reply.label, reply.length, reply.span());
    ASSERT_TRUE(received.has_value());
    msg::DecodeError unnamed = received->error();
    EXPECT_EQ(unnamed.kind, msg::DecodeErrorKind::enum_out_of_range);
    EXPECT_EQ(unnamed.field_name, nullptr);
    EXPECT_EQ(received->error_about<Flags>(), server_side); // the same literals: same pointers
    EXPECT_EQ(received->error_about<Integers>().message_name, nullptr); // not that request
    // Every kind is inside ErrorReply's own enum range.
    for (int k = 1; k <= 7; ++k) {
        msg::DecodeError e{static_cast<msg::DecodeErrorKind>(k)};
        const auto r = msg::encode(msg::ErrorReply::of(e));
        EXPECT_TRUE((msg::decode<msg::ErrorReply>(r.label, r.length, r.span()).has_value())) << k;
    }
}

TEST(Describe, EveryKindHasASentenceAndAFieldErrorNamesItsPlace) {
    for (int k = 1; k <= 7; ++k)
        EXPECT_NE(std::string(msg::describe(static_cast<msg::DecodeErrorKind>(k))), "unknown decode error");
    auto words = msg::encode(Flags{true, Colour::red, Offset::zero, true}).words;
    words[1] = 9;
    std::string text;
    msg::format_to([&](char c) { text.push_back(c); }, error_of<Flags>(Flags::label, words));
    EXPECT_EQ(text, "message Flags (label 0x11, 4 words, its type has 4), field 1 'colour' (word 1): an enum field is "
                    "outside its declared range: 0x9");
    text.clear();
    msg::format_to([&](char c) { text.push_back(c); }, Everything::decode(0x99, 2, words).error());
    EXPECT_EQ(text, "message (label 0x99, 2 words): no message of the protocol has this label");
}

} // namespace
