/// @file
/// sel4::message in a Microkit PD: a client's typed protected call through a channel, and a
/// server's decoding of a protected call and its typed (or error) reply, in the PD's IPC
/// buffer's message registers.
///
/// ```cpp
/// // client
/// auto sum = sel4::message::call<Sum>(server_channel, Add{2, 3}); // expected<Sum, CallError>
/// // server
/// sel4::MessageInfo protected_call(mk::Channel, sel4::MessageInfo info) {
///     return sel4::message::serve<Requests>(info, [](const auto &request) { return answer(request); });
/// }
/// ```
///
/// A request that does not decode is answered with an ErrorReply (label error_label), which
/// call() returns as CallError::request_rejected with the server's DecodeError (named after
/// the client's request type); a reply that does not decode as the expected response is
/// CallError::bad_reply. Neither is a fault.
#pragma once

#include <sel4/message/codec.hpp>
#include <sel4/message/error.hpp>
#include <sel4/microkit/abi.hpp>
#include <sel4/microkit/channel.hpp>

#include <sel4/syscalls.hpp>

#include <cstddef>
#include <expected>
#include <span>
#include <type_traits>
#include <utility>

namespace sel4::message {

static_assert(gen::MsgMaxLength == max_words, "seL4's message registers: max_words");
static_assert(std::is_same_v<Word, sel4::Word>);

/// Which side's decoding failed in a call().
enum class CallErrorKind : std::uint8_t {
    request_rejected = 1, ///< The server could not decode the request: its DecodeError.
    bad_reply,            ///< The reply did not decode as the expected response (or an ErrorReply).
};

/// A sentence for `kind`.
constexpr const char *describe(CallErrorKind kind) noexcept {
    switch (kind) {
    case CallErrorKind::request_rejected: return "the server rejected the request";
    case CallErrorKind::bad_reply: return "the reply did not decode";
    }
    return "unknown call error";
}

/// Why a call() returned no response.
struct CallError {
    CallErrorKind kind;  ///< Whose decoding failed.
    DecodeError decode;  ///< What was wrong, and where.
    /// A sentence for the kind.
    constexpr const char *describe() const noexcept { return message::describe(kind); }
};

/// Writes a full description of `error` to `out` (`<kind>: <the DecodeError>`).
template <class Out> void format_to(Out &&out, const CallError &error) noexcept {
    fmt::format_to(out, "{}: ", error.describe());
    message::format_to(out, error.decode);
}

/// The PD's message registers (its IPC buffer's).
inline std::span<Word, max_words> message_registers() noexcept {
    return std::span<Word, max_words>(microkit::ipc_buffer().msg);
}

/// Calls the PD at the other end of `channel` (a protected call) with `request`; its reply
/// decoded as `Response`, or a CallError.
template <Message Response, Message Request>
std::expected<Response, CallError> call(microkit::Channel channel, const Request &request) noexcept {
    const Header header = encode(request, message_registers());
    const MessageInfo reply = channel.call(microkit::message_info(header.label, header.length));
    const std::span<const Word> words = message_registers();
    if (reply.label() == error_label) {
        const auto rejection = decode<ErrorReply>(reply.label(), reply.length(), words);
        if (!rejection)
            return std::unexpected(CallError{CallErrorKind::bad_reply, rejection.error()});
        return std::unexpected(CallError{CallErrorKind::request_rejected, rejection->template error_about<Request>()});
    }
    const auto response = decode<Response>(reply.label(), reply.length(), words);
    if (!response)
        return std::unexpected(CallError{CallErrorKind::bad_reply, response.error()});
    return *response;
}

/// The reply `message`, in the message registers: return it from protected_call.
template <Message M> MessageInfo reply(const M &message) noexcept {
    const Header header = encode(message, message_registers());
    return microkit::message_info(header.label, header.length);
}

/// The error reply for a request that did not decode.
inline MessageInfo error_reply(const DecodeError &error) noexcept { return reply(ErrorReply::of(error)); }

namespace detail {
template <class Request, class Handler> MessageInfo answer(const Request &request, Handler &handler) noexcept {
    using Result = std::remove_cvref_t<decltype(handler(request))>;
    if constexpr (std::is_same_v<Result, MessageInfo>) {
        return handler(request);
    } else {
        static_assert(Message<Result>, "a request's handler returns a message type or a MessageInfo");
        return reply(handler(request));
    }
}
template <class Requests, class Handler, std::size_t... I>
MessageInfo dispatch(const typename Requests::Variant &request, Handler &handler, std::index_sequence<I...>) noexcept {
    MessageInfo info{};
    (void)((request.index() == I ? (info = answer(*std::get_if<I>(&request), handler), true) : false) || ...);
    return info;
}
} // namespace detail

/// A server's protected call: decodes the request in the message registers as one of
/// `Requests` (a Protocol) and returns the reply: `handler(request)`'s message encoded (or
/// the MessageInfo it returned, for a reply of its own), or an error reply when the request
/// did not decode. The handler takes every request type (a generic lambda, or overloads).
template <class Requests, class Handler> MessageInfo serve(MessageInfo info, Handler &&handler) noexcept {
    const auto request = Requests::decode(info.label(), info.length(), std::span<const Word>(message_registers()));
    if (!request)
        return error_reply(request.error());
    return detail::dispatch<Requests>(*request, handler, std::make_index_sequence<std::variant_size_v<typename Requests::Variant>>());
}

} // namespace sel4::message
