// microkit.message's client: typed calls to the server (good requests and their responses),
// then deliberately malformed requests written word by word into the message registers
// (an unknown label, too few and too many words, a bool of 2, an enum out of its range, bits
// above a field's width, a set byte beyond a byte array), each of which must come back as
// the server's error reply with the right DecodeError, and a reply the server garbles, which
// the client's own decoding must refuse. The success line comes only after every check, and
// through sel4::log: its prefix is the PD's name, which the PD never set.
#include <sel4/debug.hpp>
#include <sel4/log.hpp>
#include <sel4/message/microkit.hpp>
#include <sel4/microkit.hpp>

#include <initializer_list>
#include <string_view>

#include "protocol.hpp"

namespace mk = sel4::microkit;
namespace msg = sel4::message;
using namespace protocol;

namespace {

constexpr mk::Channel server(0);

class Client : public mk::Handler {
public:
    Client() {
        good_calls();
        rejected_requests();
        garbled_reply();
        if (failures_ == 0) {
            sel4::log::info("{} checks of replies and errors passed", checks_);
            sel4::log::info("message: test passed");
        } else {
            sel4::log::error("{} of {} checks failed", failures_, checks_);
            sel4::debug::println("cpp-sel4: test failed: microkit.message");
        }
    }

    void notified(mk::ChannelSet) noexcept {}

private:
    void check(bool ok, std::string_view what) noexcept {
        ++checks_;
        if (!ok) {
            ++failures_;
            sel4::log::error("FAIL: {}", what);
        }
    }

    void report(const msg::CallError &error) noexcept {
        char text[200];
        std::size_t n = 0;
        msg::format_to([&](char c) { if (n < sizeof text) text[n++] = c; }, error);
        sel4::log::info("as expected: {}", std::string_view(text, n));
    }

    void good_calls() noexcept {
        const auto sum = msg::call<Sum>(server, Add{-7, 3});
        check(sum.has_value() && sum->value == -4 && sum->negative, "Add{-7, 3} is Sum{-4, true}");
        const auto big = msg::call<Sum>(server, Add{INT32_MAX, INT32_MAX});
        check(big.has_value() && big->value == 2 * std::int64_t{INT32_MAX} && !big->negative, "Add of two INT32_MAX");

        Describe describe{{'c', 'l', 'i', 'e', 'n', 't'}, Shape::triangle, true};
        const auto description = msg::call<Description>(server, describe);
        const std::string_view expected = "a triangle for client!";
        check(description.has_value() && description->length == expected.size() &&
                  std::string_view(description->text.data(), description->length) == expected,
              "Describe's Description");
        if (description)
            sel4::log::info("the server said: {}", std::string_view(description->text.data(), description->length));
    }

    // A raw call: `label` and `words` as they are; the reply decoded as the server's ErrorReply.
    std::expected<msg::DecodeError, msg::DecodeError> raw_call(msg::Word label, std::initializer_list<msg::Word> words) noexcept {
        unsigned i = 0;
        for (msg::Word word : words)
            mk::mr_set(i++, word);
        const sel4::MessageInfo reply = server.call(mk::message_info(label, i));
        const auto rejection = msg::decode<msg::ErrorReply>(reply.label(), reply.length(), msg::message_registers());
        if (!rejection)
            return std::unexpected(rejection.error());
        return rejection->error();
    }

    void expect_rejected(std::string_view what, msg::Word label, std::initializer_list<msg::Word> words,
                         msg::DecodeErrorKind kind, std::uint16_t field = 0, msg::Word value = 0) noexcept {
        const auto error = raw_call(label, words);
        const bool ok = error.has_value() && error->kind == kind && error->label == label &&
                        error->length == words.size() && (!error->is_field_error() || (error->field == field && error->value == value));
        check(ok, what);
        if (ok)
            sel4::log::info("rejected as expected: {}: {}", what, error->describe());
    }

    void rejected_requests() noexcept {
        using Kind = msg::DecodeErrorKind;
        const msg::Word who0 = 0x6f6c6c6568; // "hello": Describe::who's first word
        expect_rejected("unknown label", 9, {1, 2}, Kind::unknown_label);
        expect_rejected("too few words", Add::label, {1}, Kind::too_few_words);
        expect_rejected("too many words", Add::label, {1, 2, 3}, Kind::too_many_words);
        expect_rejected("a bool of 2", Describe::label, {who0, 0, 1, 2}, Kind::bool_out_of_range, 2, 2);
        expect_rejected("an enum out of its range", Describe::label, {who0, 0, 3, 0}, Kind::enum_out_of_range, 1, 3);
        expect_rejected("bits above an int32's width", Add::label, {msg::Word{1} << 32, 0}, Kind::nonzero_padding, 0,
                        msg::Word{1} << 32);
        expect_rejected("a byte beyond a byte array", Describe::label, {who0, msg::Word{1} << 40, 0, 0},
                        Kind::nonzero_padding, 0, msg::Word{1} << 40);

        // Through the typed call: the server's error, named after the client's request type.
        Describe bad{};
        bad.shape = static_cast<Shape>(5);
        const auto result = msg::call<Description>(server, bad);
        check(!result.has_value() && result.error().kind == msg::CallErrorKind::request_rejected &&
                  result.error().decode.kind == Kind::enum_out_of_range &&
                  std::string_view(result.error().decode.field_name) == "shape",
              "a typed call with an enum out of its range is rejected, the field named");
        if (!result)
            report(result.error());
    }

    void garbled_reply() noexcept {
        const auto result = msg::call<Sum>(server, Garble{});
        check(!result.has_value() && result.error().kind == msg::CallErrorKind::bad_reply &&
                  result.error().decode.kind == msg::DecodeErrorKind::bool_out_of_range &&
                  result.error().decode.value == 7,
              "a garbled reply is refused by the client's decoding");
        if (!result)
            report(result.error());
    }

    unsigned checks_ = 0;
    unsigned failures_ = 0;
};

Client make_client() { return {}; }

} // namespace

SEL4_MICROKIT_PD(make_client)
