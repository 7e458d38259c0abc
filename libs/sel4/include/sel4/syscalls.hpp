/// @file
/// seL4's system calls over an explicit IPC buffer, and the message info they carry.
///
/// The message registers beyond the first four live in the buffer, and the first four travel
/// in machine registers, so each call loads them from the buffer before the trap and stores
/// them after it, exactly as libsel4 does. The capability types (sel4/cap.hpp) wrap these.
#pragma once

#include <sel4/arch/trap.hpp>
#include <sel4/cap_data.hpp>
#include <sel4/config.hpp>
#include <sel4/gen/bitfields.hpp>
#include <sel4/ipc_buffer.hpp>

namespace sel4 {

/// A message's label, its length in words and how many capabilities it carries
/// (seL4_MessageInfo), as one word travels with every message.
class MessageInfo {
public:
    /// An empty message with label 0.
    constexpr MessageInfo() noexcept = default;
    /// A message of `length` message registers (at most gen::MsgMaxLength) and `extra_caps`
    /// capabilities (at most gen::MsgMaxExtraCaps, their CPtrs in IpcBuffer::caps_or_badges).
    /// `label` is the receiver's to interpret (an invocation's label for a kernel object);
    /// `caps_unwrapped` is set by the kernel on receipt, and a sender passes 0. The kernel
    /// truncates a larger length to the maximum.
    constexpr MessageInfo(Word label, Word caps_unwrapped, Word extra_caps, Word length) noexcept
        : raw_(label, caps_unwrapped, extra_caps, length) {}
    /// The message info in the generated bitfield type.
    constexpr explicit MessageInfo(gen::seL4_MessageInfo raw) noexcept : raw_(raw) {}
    /// The message info encoded in `word`, as the kernel returns it in a register.
    static constexpr MessageInfo from_word(Word word) noexcept {
        gen::seL4_MessageInfo raw;
        raw.words[0] = word;
        return MessageInfo(raw);
    }

    /// The label: the sender's, or in the reply to an invocation the error (gen::Error).
    constexpr Word label() const noexcept { return raw_.get_label(); }
    /// On receipt, bit i says that extra capability i was unwrapped: instead of a capability,
    /// its badge arrived in IpcBuffer::caps_or_badges[i].
    constexpr Word caps_unwrapped() const noexcept { return raw_.get_capsUnwrapped(); }
    /// The number of extra capabilities.
    constexpr Word extra_caps() const noexcept { return raw_.get_extraCaps(); }
    /// The number of message registers.
    constexpr Word length() const noexcept { return raw_.get_length(); }
    /// The encoded word, as it travels in a register.
    constexpr Word word() const noexcept { return raw_.words[0]; }
    /// The message info in the generated bitfield type.
    constexpr gen::seL4_MessageInfo raw() const noexcept { return raw_; }
    /// Equal when every field is.
    constexpr bool operator==(const MessageInfo &) const noexcept = default;

private:
    gen::seL4_MessageInfo raw_;
};

/// What a receive returns: the message info and the sender's badge.
struct Received {
    MessageInfo info; ///< The message's info; its registers are in the receiver's IPC buffer.
    /// The badge of the capability the message was sent through (0 if unbadged); from a
    /// notification, the bits of every signal since the last wait, ORed.
    Badge badge;
};

/// The system calls, one function each (seL4_Send, seL4_Call, ...), on an explicit IPC
/// buffer and capability pointers.
///
/// They return no errors. A capability that does not resolve to one the call can use is a
/// capability fault of the caller (its fault handler gets a fault::CapFault, and the thread
/// waits for the handler's reply) for Send, Call and every receive; NBSend then does
/// nothing. An invocation's error comes back in the reply's label, which the typed
/// invocations turn into Result.
namespace sys {

/// The first four message registers of `ipc`, to pass in machine registers.
inline arch::FastRegs load_fast_regs(const IpcBuffer &ipc) noexcept {
    return {ipc.msg[0], ipc.msg[1], ipc.msg[2], ipc.msg[3]};
}

/// Stores the four message registers that came back in machine registers into `ipc`.
inline void store_fast_regs(IpcBuffer &ipc, const arch::FastRegs &m) noexcept {
    ipc.msg[0] = m.mr0;
    ipc.msg[1] = m.mr1;
    ipc.msg[2] = m.mr2;
    ipc.msg[3] = m.mr3;
}

/// libsel4's seL4_CallWithMRs: Call with the first four message registers in and out
/// through `mr0`..`mr3` instead of the IPC buffer. The invocation stubs use it.
inline gen::seL4_MessageInfo call_with_mrs(CPtr dest, gen::seL4_MessageInfo info, Word &mr0, Word &mr1, Word &mr2,
                                           Word &mr3) noexcept {
    arch::FastRegs m{mr0, mr1, mr2, mr3};
    Word info_word = info.words[0];
    arch::send_recv(Syscall::Call, dest, info_word, m);
    mr0 = m.mr0;
    mr1 = m.mr1;
    mr2 = m.mr2;
    mr3 = m.mr3;
    gen::seL4_MessageInfo reply;
    reply.words[0] = info_word;
    return reply;
}

/// Send: sends the message in `ipc` to the endpoint `dest`, blocking until a receiver takes
/// it. To a notification, a Send is a signal (its registers are not transferred).
inline void send(IpcBuffer &ipc, CPtr dest, MessageInfo info) noexcept {
    arch::send(Syscall::Send, dest, info.word(), load_fast_regs(ipc));
}

/// NBSend: as send(), but the message is dropped when no receiver waits, and an unusable
/// `dest` is ignored instead of faulting.
inline void nb_send(IpcBuffer &ipc, CPtr dest, MessageInfo info) noexcept {
    arch::send(Syscall::NBSend, dest, info.word(), load_fast_regs(ipc));
}

/// Call: sends the message in `ipc` to `dest` and waits for the reply, which arrives in
/// `ipc`; returns the reply's info. On a kernel object's capability this is an invocation:
/// the label names the operation and the reply's label is the error (0 for none).
inline MessageInfo call(IpcBuffer &ipc, CPtr dest, MessageInfo info) noexcept {
    arch::FastRegs m = load_fast_regs(ipc);
    Word info_word = info.word();
    arch::send_recv(Syscall::Call, dest, info_word, m);
    store_fast_regs(ipc, m);
    return MessageInfo::from_word(info_word);
}

/// Any receive (`number` is Recv, NBRecv, Wait or NBWait) on `cap`, the message into
/// `ipc`; on MCS, `reply` names the reply object to bind (0 for none).
inline Received receive(Syscall number, IpcBuffer &ipc, CPtr cap, CPtr reply) noexcept {
    arch::FastRegs m;
    Word info_word;
    arch::recv(number, cap, info_word, m, reply);
    store_fast_regs(ipc, m);
    return {MessageInfo::from_word(info_word), Badge(cap)};
}

/// ReplyRecv: replies with the message in `ipc` (through `reply` on MCS, else to the
/// thread's last caller), then receives on `src` into `ipc`.
inline Received reply_then_receive(IpcBuffer &ipc, CPtr src, MessageInfo info, CPtr reply) noexcept {
    arch::FastRegs m = load_fast_regs(ipc);
    Word info_word = info.word();
    arch::send_recv(Syscall::ReplyRecv, src, info_word, m, reply);
    store_fast_regs(ipc, m);
    return {MessageInfo::from_word(info_word), Badge(src)};
}

#if CPP_SEL4_CONFIG_KERNEL_MCS
/// Recv: waits for a message on the endpoint or notification `src`. A caller's reply
/// capability goes into the reply object `reply`, through which reply_recv() or a Send to
/// the reply object answers it.
inline Received recv(IpcBuffer &ipc, CPtr src, CPtr reply) noexcept {
    return receive(Syscall::Recv, ipc, src, reply);
}
/// NBRecv: as recv(), but returns at once when no message is waiting, with badge 0 (which
/// a message through an unbadged capability also has).
inline Received nb_recv(IpcBuffer &ipc, CPtr src, CPtr reply) noexcept {
    return receive(Syscall::NBRecv, ipc, src, reply);
}
/// ReplyRecv: replies through the reply object `reply` with `info` and the message in
/// `ipc`, then receives on `src` as recv() does, binding `reply` to the next caller.
inline Received reply_recv(IpcBuffer &ipc, CPtr src, MessageInfo info, CPtr reply) noexcept {
    return reply_then_receive(ipc, src, info, reply);
}
/// Wait: receives on `src` without a reply object (a notification, or an endpoint whose
/// senders expect no reply).
inline Received wait(IpcBuffer &ipc, CPtr src) noexcept { return receive(Syscall::Wait, ipc, src, 0); }
/// NBWait: as wait(), but returns at once, with badge 0, when nothing is waiting.
inline Received nb_wait(IpcBuffer &ipc, CPtr src) noexcept { return receive(Syscall::NBWait, ipc, src, 0); }

/// NBSendRecv or NBSendWait (`number`): sends to `dest`, then receives on `src`.
inline Received nb_send_recv_on(Syscall number, IpcBuffer &ipc, CPtr dest, MessageInfo info, CPtr src,
                                CPtr reply) noexcept {
    arch::FastRegs m = load_fast_regs(ipc);
    Word info_word = info.word();
    arch::nb_send_recv(number, dest, src, info_word, m, reply);
    store_fast_regs(ipc, m);
    return {MessageInfo::from_word(info_word), Badge(src)};
}
/// NBSendRecv: sends the message in `ipc` to `dest` if a receiver waits (dropping it
/// otherwise), then receives on `src` as recv() does.
inline Received nb_send_recv(IpcBuffer &ipc, CPtr dest, MessageInfo info, CPtr src, CPtr reply) noexcept {
    return nb_send_recv_on(Syscall::NBSendRecv, ipc, dest, info, src, reply);
}
/// NBSendWait: sends to `dest` as nb_send_recv() does, then waits on `src` as wait() does.
/// (It has no reply object: the kernel takes the destination from the reply register.)
inline Received nb_send_wait(IpcBuffer &ipc, CPtr dest, MessageInfo info, CPtr src) noexcept {
    return nb_send_recv_on(Syscall::NBSendWait, ipc, 0, info, src, dest);
}
#else
/// Recv: waits for a message on the endpoint or notification `src`. A caller's reply
/// capability is kept in the thread's TCB until reply() or reply_recv() answers it (or
/// a CNode's save_caller() moves it to a slot).
inline Received recv(IpcBuffer &ipc, CPtr src) noexcept { return receive(Syscall::Recv, ipc, src, 0); }
/// NBRecv: as recv(), but returns at once when no message is waiting, with badge 0 (which
/// a message through an unbadged capability also has).
inline Received nb_recv(IpcBuffer &ipc, CPtr src) noexcept { return receive(Syscall::NBRecv, ipc, src, 0); }
/// ReplyRecv: replies to the thread's last caller with `info` and the message in `ipc`
/// (nothing if there is none), then receives on `src` as recv() does.
inline Received reply_recv(IpcBuffer &ipc, CPtr src, MessageInfo info) noexcept {
    return reply_then_receive(ipc, src, info, 0);
}
/// Waits on `src`: without MCS, waiting on a notification is a receive.
inline Received wait(IpcBuffer &ipc, CPtr src) noexcept { return recv(ipc, src); }
/// As wait(), but returns at once, with badge 0, when nothing is waiting.
inline Received nb_wait(IpcBuffer &ipc, CPtr src) noexcept { return nb_recv(ipc, src); }

/// Reply: answers the thread's last caller with `info` and the message in `ipc`; does
/// nothing if there is none (or it was answered already).
inline void reply(IpcBuffer &ipc, MessageInfo info) noexcept {
    arch::reply(Syscall::Reply, info.word(), load_fast_regs(ipc));
}
#endif

/// Signals the notification `dest`: its badge is ORed into the notification's word, and
/// one waiter (if any) wakes with the word. Never blocks.
inline void signal(CPtr dest) noexcept { arch::send_null(Syscall::Send, dest, MessageInfo(0, 0, 0, 0).word()); }

/// Yield: gives up the processor to the other threads of the same priority (on MCS, with
/// the rest of the current budget).
inline void yield() noexcept { arch::null(Syscall::Yield); }

#if CPP_SEL4_CONFIG_SET_TLS_BASE_SELF
/// SetTLSBase: sets the calling thread's TLS base register (the FS base on x86_64) to
/// `base`, on kernels that let threads do it themselves.
inline void set_tls_base(Word base) noexcept { arch::send_null(Syscall::SetTLSBase, base, 0); }
#endif

/// The shape of most debug and benchmark syscalls: `word` goes in where the capability
/// goes, and the word that comes back where the badge does is the result.
inline Word word_trap(Syscall number, Word word) noexcept {
    Word info = 0;
    arch::FastRegs m{};
    arch::send_recv(number, word, info, m);
    return word;
}

/// DebugPutChar: prints `c` on the kernel's debug console (a debug kernel with printing, as
/// every world's is).
inline void debug_put_char(char c) noexcept { word_trap(Syscall::DebugPutChar, static_cast<unsigned char>(c)); }

/// DebugDumpScheduler: prints the kernel's threads and their states on the debug console.
inline void debug_dump_scheduler() noexcept { word_trap(Syscall::DebugDumpScheduler, 0); }

/// DebugHalt: stops the kernel, and with it the whole system.
[[noreturn]] inline void debug_halt() noexcept {
    arch::null(Syscall::DebugHalt);
    __builtin_unreachable();
}

/// DebugSnapshot: prints a capDL description of the system's current objects and
/// capabilities on the debug console.
inline void debug_snapshot() noexcept { arch::null(Syscall::DebugSnapshot); }

/// DebugCapIdentify: the kernel's internal type tag of the capability at `cap` (0 for a null
/// capability or an empty slot). The tags are the kernel's cap_tag_t, not gen::ObjectType.
inline std::uint32_t debug_cap_identify(CPtr cap) noexcept {
    return static_cast<std::uint32_t>(word_trap(Syscall::DebugCapIdentify, cap));
}

/// DebugNameThread: names the thread `tcb` in the kernel's debug output. The name goes
/// through the message registers of `ipc`, which it overwrites, and is cut to fit them.
inline void debug_name_thread(IpcBuffer &ipc, CPtr tcb, const char *name) noexcept {
    char *out = reinterpret_cast<char *>(ipc.msg);
    const std::size_t room = sizeof(ipc.msg) - 1;
    std::size_t i = 0;
    for (; name[i] != '\0' && i < room; ++i)
        out[i] = name[i];
    out[i] = '\0';
    word_trap(Syscall::DebugNameThread, tcb);
}

#if CPP_SEL4_CONFIG_ENABLE_BENCHMARKS
/// BenchmarkNullSyscall: enters the kernel and returns, to measure the cost of a syscall.
inline void benchmark_null_syscall() noexcept { arch::null(Syscall::BenchmarkNullSyscall); }
/// BenchmarkFlushCaches: flushes the processor's caches.
inline void benchmark_flush_caches() noexcept { arch::send_null(Syscall::BenchmarkFlushCaches, 0, 0); }
/// BenchmarkResetLog: empties the kernel's benchmark log; returns a gen::Error value.
inline Word benchmark_reset_log() noexcept { return word_trap(Syscall::BenchmarkResetLog, 0); }
/// BenchmarkFinalizeLog: stops logging; returns the index of the log's last entry.
inline Word benchmark_finalize_log() noexcept { return word_trap(Syscall::BenchmarkFinalizeLog, 0); }
/// BenchmarkSetLogBuffer: gives the kernel the large frame `frame` to log into; returns a
/// gen::Error value.
inline Word benchmark_set_log_buffer(CPtr frame) noexcept { return word_trap(Syscall::BenchmarkSetLogBuffer, frame); }
#endif

} // namespace sys
} // namespace sel4
