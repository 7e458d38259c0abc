// Typed capabilities. Cap<Object> is a capability pointer (CPtr) in the caller's CSpace
// to an object of one kind; its invocations are methods (generated from the kernel's
// interface files, see sel4/gen/invocations.hpp), and endpoints and notifications add
// the IPC system calls. Every method uses the calling thread's implicit IPC buffer;
// cap.with(buffer) gives the same methods on an explicit one.
//
// Conversions: any Cap converts implicitly to Cap<obj::Unspecified>; the other way, or
// between kinds, takes an explicit cap.cast<obj::X>().
#pragma once

#include <sel4/gen/invocations.hpp>
#include <sel4/invocation_support.hpp>
#include <sel4/ipc_buffer.hpp>
#include <sel4/syscalls.hpp>

#include <type_traits>

namespace sel4 {

template <class Object> class Bound;
template <class Root> class AbsoluteCPtr;

// Methods written by hand: the system calls on endpoints and notifications (below) and
// CNode addressing (sel4/cnode.hpp).
template <class Object, class Self> struct ExtraMethods {};

// CNodes name slots for the CNode invocations (AbsoluteCPtr, in sel4/cnode.hpp).
template <class Self> struct ExtraMethods<obj::CNode, Self> {
    // The slot reached by resolving `index` through `depth` bits from this CNode.
    constexpr AbsoluteCPtr<Self> absolute(Word index, std::uint8_t depth) const noexcept {
        return {static_cast<const Self &>(*this), index, depth};
    }
    // The slot of `cap`, when this CNode is the caller's CSpace root.
    constexpr AbsoluteCPtr<Self> absolute(Cap<obj::Unspecified> cap) const noexcept;
};

#if CPP_SEL4_CONFIG_KERNEL_MCS
// On MCS, a reply object answers the caller a receive bound to it.
template <class Self> struct ExtraMethods<obj::Reply, Self> {
    // Replies to the caller this reply object was bound to by a receive.
    void send(MessageInfo info) const noexcept {
        const Self &self = static_cast<const Self &>(*this);
        sys::send(self.ipc_buffer(), self.cptr(), info);
    }
};
#endif

template <class Object>
class Cap : public gen::Methods<Object, Cap<Object>>, public ExtraMethods<Object, Cap<Object>> {
public:
    using object_type = Object;

    constexpr Cap() noexcept = default;
    constexpr explicit Cap(CPtr bits) noexcept : bits_(bits) {}

    constexpr CPtr cptr() const noexcept { return bits_; }
    constexpr bool is_null() const noexcept { return bits_ == 0; }
    IpcBuffer &ipc_buffer() const noexcept { return sel4::ipc_buffer(); }

    // The same capability, invoked through `buffer` instead of the implicit IPC buffer.
    constexpr Bound<Object> with(IpcBuffer &buffer) const noexcept { return Bound<Object>(*this, buffer); }

    // Reinterprets the capability as one to another kind of object (unchecked).
    template <class To> constexpr Cap<To> cast() const noexcept { return Cap<To>(bits_); }

    constexpr operator Cap<obj::Unspecified>() const noexcept
        requires(!std::is_same_v<Object, obj::Unspecified>)
    {
        return Cap<obj::Unspecified>(bits_);
    }

    constexpr bool operator==(const Cap &) const noexcept = default;

private:
    CPtr bits_ = 0;
};

// A capability together with the IPC buffer its invocations use.
template <class Object>
class Bound : public gen::Methods<Object, Bound<Object>>, public ExtraMethods<Object, Bound<Object>> {
public:
    constexpr Bound(Cap<Object> cap, IpcBuffer &buffer) noexcept : cap_(cap), buffer_(&buffer) {}

    constexpr CPtr cptr() const noexcept { return cap_.cptr(); }
    constexpr IpcBuffer &ipc_buffer() const noexcept { return *buffer_; }
    constexpr Cap<Object> cap() const noexcept { return cap_; }
    constexpr operator Cap<Object>() const noexcept { return cap_; }

private:
    Cap<Object> cap_;
    IpcBuffer *buffer_;
};

template <class Self>
constexpr AbsoluteCPtr<Self> ExtraMethods<obj::CNode, Self>::absolute(Cap<obj::Unspecified> cap) const noexcept {
    return absolute(cap.cptr(), gen::WordBits);
}

namespace cap {
using Unspecified = Cap<obj::Unspecified>;
using Endpoint = Cap<obj::Endpoint>;
using Notification = Cap<obj::Notification>;
using Reply = Cap<obj::Reply>;
} // namespace cap

template <class Self> struct ExtraMethods<obj::Endpoint, Self> {
    void send(MessageInfo info) const noexcept { sys::send(self().ipc_buffer(), self().cptr(), info); }
    void nb_send(MessageInfo info) const noexcept { sys::nb_send(self().ipc_buffer(), self().cptr(), info); }
    MessageInfo call(MessageInfo info) const noexcept { return sys::call(self().ipc_buffer(), self().cptr(), info); }
#if CPP_SEL4_CONFIG_KERNEL_MCS
    Received recv(cap::Reply reply) const noexcept {
        return sys::recv(self().ipc_buffer(), self().cptr(), reply.cptr());
    }
    Received nb_recv(cap::Reply reply) const noexcept {
        return sys::nb_recv(self().ipc_buffer(), self().cptr(), reply.cptr());
    }
    // Replies through `reply` with `info`, then waits on this endpoint.
    Received reply_recv(MessageInfo info, cap::Reply reply) const noexcept {
        return sys::reply_recv(self().ipc_buffer(), self().cptr(), info, reply.cptr());
    }
    // Sends on this endpoint, then receives on `src` with `reply`.
    Received nb_send_recv(MessageInfo info, Cap<obj::Unspecified> src, cap::Reply reply) const noexcept {
        return sys::nb_send_recv(self().ipc_buffer(), self().cptr(), info, src.cptr(), reply.cptr());
    }
    Received nb_send_wait(MessageInfo info, Cap<obj::Unspecified> src) const noexcept {
        return sys::nb_send_wait(self().ipc_buffer(), self().cptr(), info, src.cptr());
    }
    Received wait() const noexcept { return sys::wait(self().ipc_buffer(), self().cptr()); }
#else
    Received recv() const noexcept { return sys::recv(self().ipc_buffer(), self().cptr()); }
    Received nb_recv() const noexcept { return sys::nb_recv(self().ipc_buffer(), self().cptr()); }
    // Replies to the last caller with `info`, then waits on this endpoint.
    Received reply_recv(MessageInfo info) const noexcept {
        return sys::reply_recv(self().ipc_buffer(), self().cptr(), info);
    }
#endif

private:
    const Self &self() const noexcept { return static_cast<const Self &>(*this); }
};

template <class Self> struct ExtraMethods<obj::Notification, Self> {
    void signal() const noexcept { sys::signal(static_cast<const Self &>(*this).cptr()); }
    // Blocks until the notification is signalled; returns the accumulated badge.
    Word wait() const noexcept {
        const Self &self = static_cast<const Self &>(*this);
        return sys::wait(self.ipc_buffer(), self.cptr()).badge;
    }
    // Returns the accumulated badge without blocking (0 if none was signalled).
    Word poll() const noexcept {
        const Self &self = static_cast<const Self &>(*this);
        return sys::nb_wait(self.ipc_buffer(), self.cptr()).badge;
    }
};

#if !CPP_SEL4_CONFIG_KERNEL_MCS
// Without MCS, replying is a system call of the replying thread.
inline void reply(MessageInfo info) noexcept { sys::reply(ipc_buffer(), info); }
#endif

inline void yield() noexcept { sys::yield(); }

} // namespace sel4
