/// @file
/// Typed capabilities. Cap<Object> is a capability pointer (CPtr) in the caller's CSpace to
/// an object of one kind; its invocations are methods (generated from the kernel's interface
/// files, see <sel4/gen/invocations.hpp>), and endpoints and notifications add the IPC system
/// calls. Every method uses the calling thread's implicit IPC buffer; cap.with(buffer) gives
/// the same methods on an explicit one. AbsoluteCPtr names a slot for the CNode invocations.
///
/// Conversions: any Cap converts implicitly to Cap<obj::Unspecified>; the other way, or
/// between kinds, takes an explicit cap.cast<obj::X>().
#pragma once

#include <sel4/cap_data.hpp>
#include <sel4/cptr.hpp>
#include <sel4/gen/invocations.hpp>
#include <sel4/invocation_support.hpp>
#include <sel4/ipc_buffer.hpp>
#include <sel4/syscalls.hpp>

#include <type_traits>

namespace sel4 {

template <class Object> class Bound;

/// \brief The methods written by hand, mixed into Cap<Object> and Bound<Object> (`Self`) as
/// the generated gen::Methods are: the system calls on endpoints and notifications, CNode
/// addressing; none for the other objects.
template <class Object, class Self> struct ExtraMethods {};

/// \brief A CNode names slots for the CNode invocations.
template <class Self> struct ExtraMethods<obj::CNode, Self> {
    /// \brief The slot at `path` from this CNode.
    constexpr AbsoluteCPtr absolute(RelativeCPtr path) const noexcept;
    /// \brief This CNode itself (a path of depth 0), as Untyped::retype names the CNode that
    /// receives the new capabilities.
    constexpr AbsoluteCPtr absolute_self() const noexcept;
};

#if CPP_SEL4_CONFIG_KERNEL_MCS
/// \brief On MCS, a reply object answers the caller that a receive bound to it.
template <class Self> struct ExtraMethods<obj::Reply, Self> {
    /// \brief Replies with `info` and the message in the IPC buffer to the caller this reply
    /// object was bound to by a receive.
    void send(MessageInfo info) const noexcept {
        const Self &self = static_cast<const Self &>(*this);
        sys::send(self.ipc_buffer(), self.cptr(), info);
    }
};
#endif

/// \brief A capability to an object of the kind `Object` (a tag of sel4::obj), with its
/// invocations as methods on the calling thread's implicit IPC buffer.
template <class Object>
class Cap : public gen::Methods<Object, Cap<Object>>, public ExtraMethods<Object, Cap<Object>> {
public:
    /// \brief The kind of object.
    using object_type = Object;

    /// \brief The null capability (CPtr 0).
    constexpr Cap() noexcept = default;
    /// \brief The capability at `bits` in the caller's CSpace, taken to be of this kind.
    constexpr explicit Cap(CPtr bits) noexcept : bits_(bits) {}

    /// \brief The capability pointer.
    constexpr CPtr cptr() const noexcept { return bits_; }
    /// \brief Whether this is the null capability.
    constexpr bool is_null() const noexcept { return bits_ == 0; }
    /// \brief The IPC buffer the methods use: the calling thread's implicit one.
    IpcBuffer &ipc_buffer() const noexcept { return sel4::ipc_buffer(); }

    /// \brief The same capability, invoked through `buffer` instead of the implicit IPC buffer.
    constexpr Bound<Object> with(IpcBuffer &buffer) const noexcept { return Bound<Object>(*this, buffer); }

    /// \brief The capability taken to be to another kind of object (unchecked).
    template <class To> constexpr Cap<To> cast() const noexcept { return Cap<To>(bits_); }

    /// \brief The same capability, of no particular kind.
    constexpr operator Cap<obj::Unspecified>() const noexcept
        requires(!std::is_same_v<Object, obj::Unspecified>)
    {
        return Cap<obj::Unspecified>(bits_);
    }

    /// \brief Whether both are the same capability pointer.
    constexpr bool operator==(const Cap &other) const noexcept { return bits_ == other.bits_; }

private:
    CPtr bits_ = 0;
};

/// \brief A capability together with the IPC buffer its invocations use.
template <class Object>
class Bound : public gen::Methods<Object, Bound<Object>>, public ExtraMethods<Object, Bound<Object>> {
public:
    /// \brief `cap`, invoked through `buffer`.
    constexpr Bound(Cap<Object> cap, IpcBuffer &buffer) noexcept : cap_(cap), buffer_(&buffer) {}

    /// \brief The capability pointer.
    constexpr CPtr cptr() const noexcept { return cap_.cptr(); }
    /// \brief The IPC buffer the methods use.
    constexpr IpcBuffer &ipc_buffer() const noexcept { return *buffer_; }
    /// \brief The capability, without the buffer.
    constexpr Cap<Object> cap() const noexcept { return cap_; }
    /// \brief The capability, without the buffer.
    constexpr operator Cap<Object>() const noexcept { return cap_; }

private:
    Cap<Object> cap_;
    IpcBuffer *buffer_;
};

/// \brief A slot named from a CNode: the CNode and the path from it (the CNode invocations'
/// root, index and depth).
///
/// A CNode's absolute() and absolute_self() make one. It is a value: invocations that take
/// one use the IPC buffer of the capability they invoke.
class AbsoluteCPtr {
public:
    /// \brief The slot at `path` from `root`.
    constexpr AbsoluteCPtr(Cap<obj::CNode> root, RelativeCPtr path) noexcept : root_(root), path_(path) {}

    /// \brief The CNode the path starts from.
    constexpr Cap<obj::CNode> root() const noexcept { return root_; }
    /// \brief The path from root().
    constexpr RelativeCPtr path() const noexcept { return path_; }
    /// \brief The path's index.
    constexpr Word index() const noexcept { return path_.index(); }
    /// \brief The path's depth.
    constexpr std::uint8_t depth() const noexcept { return path_.depth(); }

    /// \brief Whether both name the same slot the same way.
    constexpr bool operator==(const AbsoluteCPtr &) const noexcept = default;

private:
    Cap<obj::CNode> root_;
    RelativeCPtr path_;
};

template <class Self>
constexpr AbsoluteCPtr ExtraMethods<obj::CNode, Self>::absolute(RelativeCPtr path) const noexcept {
    return AbsoluteCPtr(Cap<obj::CNode>(static_cast<const Self &>(*this).cptr()), path);
}

template <class Self> constexpr AbsoluteCPtr ExtraMethods<obj::CNode, Self>::absolute_self() const noexcept {
    return absolute(RelativeCPtr(0, 0));
}

/// \brief The capability types by name: cap::Endpoint is Cap<obj::Endpoint>, and so on (the
/// generated header names those of the objects with invocations).
namespace cap {
/// \brief A capability of any kind.
using Unspecified = Cap<obj::Unspecified>;
/// \brief A capability to an endpoint.
using Endpoint = Cap<obj::Endpoint>;
/// \brief A capability to a notification.
using Notification = Cap<obj::Notification>;
/// \brief A capability to a reply object (MCS).
using Reply = Cap<obj::Reply>;
} // namespace cap

/// \brief An endpoint's methods: the IPC system calls on it.
template <class Self> struct ExtraMethods<obj::Endpoint, Self> {
    /// \brief Sends `info` and the message in the IPC buffer, blocking until a receiver takes it.
    void send(MessageInfo info) const noexcept { sys::send(self().ipc_buffer(), self().cptr(), info); }
    /// \brief Sends if a receiver waits; otherwise the message is dropped.
    void nb_send(MessageInfo info) const noexcept { sys::nb_send(self().ipc_buffer(), self().cptr(), info); }
    /// \brief Sends and waits for the reply, which arrives in the IPC buffer; returns its info.
    MessageInfo call(MessageInfo info) const noexcept { return sys::call(self().ipc_buffer(), self().cptr(), info); }
#if CPP_SEL4_CONFIG_KERNEL_MCS
    /// \brief Waits for a message; a caller's reply capability goes into `reply`.
    Received recv(cap::Reply reply) const noexcept {
        return sys::recv(self().ipc_buffer(), self().cptr(), reply.cptr());
    }
    /// \brief As recv(), but returns at once when no message waits (with Badge()).
    Received nb_recv(cap::Reply reply) const noexcept {
        return sys::nb_recv(self().ipc_buffer(), self().cptr(), reply.cptr());
    }
    /// \brief Replies through `reply` with `info`, then waits on this endpoint.
    Received reply_recv(MessageInfo info, cap::Reply reply) const noexcept {
        return sys::reply_recv(self().ipc_buffer(), self().cptr(), info, reply.cptr());
    }
    /// \brief Sends on this endpoint if a receiver waits, then receives on `src` with `reply`.
    Received nb_send_recv(MessageInfo info, Cap<obj::Unspecified> src, cap::Reply reply) const noexcept {
        return sys::nb_send_recv(self().ipc_buffer(), self().cptr(), info, src.cptr(), reply.cptr());
    }
    /// \brief Sends on this endpoint if a receiver waits, then waits on `src`.
    Received nb_send_wait(MessageInfo info, Cap<obj::Unspecified> src) const noexcept {
        return sys::nb_send_wait(self().ipc_buffer(), self().cptr(), info, src.cptr());
    }
    /// \brief Waits for a message from a sender that expects no reply.
    Received wait() const noexcept { return sys::wait(self().ipc_buffer(), self().cptr()); }
#else
    /// \brief Waits for a message; a caller's reply capability is kept in the thread's TCB.
    Received recv() const noexcept { return sys::recv(self().ipc_buffer(), self().cptr()); }
    /// \brief As recv(), but returns at once when no message waits (with Badge()).
    Received nb_recv() const noexcept { return sys::nb_recv(self().ipc_buffer(), self().cptr()); }
    /// \brief Replies to the last caller with `info`, then waits on this endpoint.
    Received reply_recv(MessageInfo info) const noexcept {
        return sys::reply_recv(self().ipc_buffer(), self().cptr(), info);
    }
#endif

private:
    const Self &self() const noexcept { return static_cast<const Self &>(*this); }
};

/// \brief A notification's methods: signal, wait and poll.
template <class Self> struct ExtraMethods<obj::Notification, Self> {
    /// \brief Signals the notification: ORs this capability's badge into its word.
    void signal() const noexcept { sys::signal(static_cast<const Self &>(*this).cptr()); }
    /// \brief Blocks until the notification is signalled; returns the badges of the signals
    /// since the last wait, ORed.
    Badge wait() const noexcept {
        const Self &self = static_cast<const Self &>(*this);
        return sys::wait(self.ipc_buffer(), self.cptr()).badge;
    }
    /// \brief As wait(), without blocking: Badge() when nothing was signalled.
    Badge poll() const noexcept {
        const Self &self = static_cast<const Self &>(*this);
        return sys::nb_wait(self.ipc_buffer(), self.cptr()).badge;
    }
};

#if !CPP_SEL4_CONFIG_KERNEL_MCS
/// \brief Replies to the calling thread's last caller with `info` and the message in the
/// implicit IPC buffer (without MCS, replying is a system call of the replying thread).
inline void reply(MessageInfo info) noexcept { sys::reply(ipc_buffer(), info); }
#endif

/// \brief Gives up the rest of the calling thread's time slice.
inline void yield() noexcept { sys::yield(); }

} // namespace sel4
