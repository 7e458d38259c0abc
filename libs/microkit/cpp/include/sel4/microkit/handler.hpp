/// @file
/// A PD's entry points and the event loop that calls them.
///
/// A handler is any class with the three entry points (the Handler concept); deriving from
/// sel4::microkit::Handler supplies the ones a PD does not take (each aborts, as libmicrokit's
/// weak defaults crash). Nothing is virtual: run() is a template over the handler's type, so
/// the entry points are direct (usually inlined) calls, and the system calls are the
/// bindings' inline traps.
///
/// ```cpp
/// struct Server : sel4::microkit::Handler {
///     void notified(sel4::microkit::ChannelSet channels);
///     sel4::MessageInfo protected_call(sel4::microkit::Channel channel, sel4::MessageInfo info);
/// };
/// ```
#pragma once

#include <sel4/microkit/abi.hpp>
#include <sel4/microkit/channel.hpp>

#include <sel4/syscalls.hpp>

#include <concepts>
#include <optional>

namespace sel4::microkit {

/// A PD's entry points: `notified` for notifications and IRQs (every channel of one wake-up
/// at once), `protected_call` for a protected call through one of its channels (its result is
/// the reply), and `fault` for a fault of a child (a reply resumes the child, std::nullopt
/// leaves it waiting).
template <class H>
concept ProtectionDomainHandler = requires(H &handler, ChannelSet channels, Channel channel, Child child,
                                           MessageInfo info) {
    { handler.notified(channels) };
    { handler.protected_call(channel, info) } -> std::convertible_to<MessageInfo>;
    { handler.fault(child, info) } -> std::convertible_to<std::optional<MessageInfo>>;
};

namespace detail {
// The defaults' reports (src/checks.cpp): the PD's name and the entry point it lacks.
[[noreturn, gnu::cold]] void missing_entry_point(const char *entry) noexcept;
} // namespace detail

/// The defaults of the entry points: each aborts the PD, naming the one it lacks. A handler
/// derives from this and declares the ones it takes, which hide these.
struct Handler {
    /// A notification the PD does not expect: aborts.
    void notified(ChannelSet) noexcept { detail::missing_entry_point("notified"); }
    /// A protected call the PD does not take: aborts.
    MessageInfo protected_call(Channel, MessageInfo) noexcept { detail::missing_entry_point("protected_call"); }
    /// A fault of a child the PD does not handle: aborts.
    std::optional<MessageInfo> fault(Child, MessageInfo) noexcept { detail::missing_entry_point("fault"); }
};

/// The event loop, Microkit 2.3's (libmicrokit's handler_loop): never returns.
///
/// First every IRQ of the PD is acknowledged (seL4 issue 1536); a passive PD defers its
/// message to the monitor, which then takes its scheduling context. Then each round waits on
/// the input capability with one system call: ReplyRecv when a protected call or a fault
/// is answered (a pending deferred action is sent first with Send), NBSendRecv when only a
/// deferred action is pending, Recv otherwise. The badge says what arrived: bit 62 a fault
/// of the child `badge & 0xff`, bit 63 a protected call through channel `badge & 0x3f`,
/// otherwise the notification bits of the channels.
///
/// Not noexcept: an exception that leaves an entry point is uncaught where it is thrown, and
/// the runtime's terminate handler reports it with a backtrace from there.
template <ProtectionDomainHandler H> [[noreturn]] void run(H &handler) {
    IpcBuffer &ipc = ipc_buffer();
    for (Word irqs = microkit_irqs, id = 0; irqs != 0; irqs >>= 1, ++id)
        if ((irqs & 1) != 0)
            Channel(static_cast<unsigned>(id)).irq_ack();
    detail::DeferredSlot &deferred = detail::deferred_slot;
    if (microkit_passive) {
        deferred.cap = slot::monitor_endpoint;
        deferred.info = MessageInfo(0, 0, 0, 0);
    }

    bool have_reply = false;
    MessageInfo reply_info(0, 0, 0, 0);
    for (;;) {
        Received received;
        if (have_reply) {
            if (deferred.cap != 0) {
                sys::send(ipc, deferred.cap, deferred.info);
                deferred.cap = 0;
            }
            received = sys::reply_recv(ipc, slot::input, reply_info, slot::reply);
        } else if (deferred.cap != 0) {
            received = sys::nb_send_recv(ipc, deferred.cap, deferred.info, slot::input, slot::reply);
            deferred.cap = 0;
        } else {
            received = sys::recv(ipc, slot::input, slot::reply);
        }

        const Word bits = received.badge.value();
        have_reply = false;
        if (((bits >> badge::fault_bit) & 1) != 0) {
            const std::optional<MessageInfo> reply =
                handler.fault(Child(detail::unchecked, static_cast<unsigned>(bits & badge::child_mask)), received.info);
            if (reply) {
                have_reply = true;
                reply_info = *reply;
            }
        } else if ((bits >> badge::endpoint_bit) != 0) {
            have_reply = true;
            reply_info = handler.protected_call(
                Channel(detail::unchecked, static_cast<unsigned>(bits & badge::channel_mask)), received.info);
        } else if (bits != 0) { // as libmicrokit, no call for a wake-up without a channel
            handler.notified(ChannelSet(bits));
        }
    }
}

} // namespace sel4::microkit
