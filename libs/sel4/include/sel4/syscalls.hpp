// seL4's system calls over an explicit IPC buffer: the message registers beyond the
// first four live in the buffer, and the first four travel in machine registers, so
// each call loads them from the buffer before the trap and stores them after it,
// exactly as libsel4 does. The capability types (sel4/cap.hpp) wrap these.
#pragma once

#include <sel4/arch/trap.hpp>
#include <sel4/config.hpp>
#include <sel4/gen/bitfields.hpp>
#include <sel4/ipc_buffer.hpp>

namespace sel4 {

// A message's label, its length in words and how many capabilities it carries.
class MessageInfo {
public:
    constexpr MessageInfo() noexcept = default;
    constexpr MessageInfo(Word label, Word caps_unwrapped, Word extra_caps, Word length) noexcept
        : raw_(label, caps_unwrapped, extra_caps, length) {}
    constexpr explicit MessageInfo(gen::seL4_MessageInfo raw) noexcept : raw_(raw) {}
    static constexpr MessageInfo from_word(Word word) noexcept {
        gen::seL4_MessageInfo raw;
        raw.words[0] = word;
        return MessageInfo(raw);
    }

    constexpr Word label() const noexcept { return raw_.get_label(); }
    constexpr Word caps_unwrapped() const noexcept { return raw_.get_capsUnwrapped(); }
    constexpr Word extra_caps() const noexcept { return raw_.get_extraCaps(); }
    constexpr Word length() const noexcept { return raw_.get_length(); }
    constexpr Word word() const noexcept { return raw_.words[0]; }
    constexpr gen::seL4_MessageInfo raw() const noexcept { return raw_; }
    constexpr bool operator==(const MessageInfo &) const noexcept = default;

private:
    gen::seL4_MessageInfo raw_;
};

// What a receive returns: the message info and the sender's badge.
struct Received {
    MessageInfo info;
    Word badge;
};

namespace sys {

inline arch::FastRegs load_fast_regs(const IpcBuffer &ipc) noexcept {
    return {ipc.msg[0], ipc.msg[1], ipc.msg[2], ipc.msg[3]};
}

inline void store_fast_regs(IpcBuffer &ipc, const arch::FastRegs &m) noexcept {
    ipc.msg[0] = m.mr0;
    ipc.msg[1] = m.mr1;
    ipc.msg[2] = m.mr2;
    ipc.msg[3] = m.mr3;
}

// libsel4's seL4_CallWithMRs: the first four message words in and out through mr0..mr3.
// The invocation stubs use it.
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

inline void send(IpcBuffer &ipc, CPtr dest, MessageInfo info) noexcept {
    arch::send(Syscall::Send, dest, info.word(), load_fast_regs(ipc));
}

inline void nb_send(IpcBuffer &ipc, CPtr dest, MessageInfo info) noexcept {
    arch::send(Syscall::NBSend, dest, info.word(), load_fast_regs(ipc));
}

inline MessageInfo call(IpcBuffer &ipc, CPtr dest, MessageInfo info) noexcept {
    arch::FastRegs m = load_fast_regs(ipc);
    Word info_word = info.word();
    arch::send_recv(Syscall::Call, dest, info_word, m);
    store_fast_regs(ipc, m);
    return MessageInfo::from_word(info_word);
}

// A receive (Recv, NBRecv, Wait, NBWait): `cap` in, the badge out; on MCS `reply` names
// the reply object.
inline Received receive(Syscall number, IpcBuffer &ipc, CPtr cap, CPtr reply) noexcept {
    arch::FastRegs m;
    Word info_word;
    arch::recv(number, cap, info_word, m, reply);
    store_fast_regs(ipc, m);
    return {MessageInfo::from_word(info_word), cap};
}

// ReplyRecv: the reply's message goes out, the next one comes in.
inline Received reply_then_receive(IpcBuffer &ipc, CPtr src, MessageInfo info, CPtr reply) noexcept {
    arch::FastRegs m = load_fast_regs(ipc);
    Word info_word = info.word();
    arch::send_recv(Syscall::ReplyRecv, src, info_word, m, reply);
    store_fast_regs(ipc, m);
    return {MessageInfo::from_word(info_word), src};
}

#if CPP_SEL4_CONFIG_KERNEL_MCS
inline Received recv(IpcBuffer &ipc, CPtr src, CPtr reply) noexcept {
    return receive(Syscall::Recv, ipc, src, reply);
}
inline Received nb_recv(IpcBuffer &ipc, CPtr src, CPtr reply) noexcept {
    return receive(Syscall::NBRecv, ipc, src, reply);
}
inline Received reply_recv(IpcBuffer &ipc, CPtr src, MessageInfo info, CPtr reply) noexcept {
    return reply_then_receive(ipc, src, info, reply);
}
// Wait and NBWait receive without a reply object (notifications, or endpoints whose
// callers need no reply).
inline Received wait(IpcBuffer &ipc, CPtr src) noexcept { return receive(Syscall::Wait, ipc, src, 0); }
inline Received nb_wait(IpcBuffer &ipc, CPtr src) noexcept { return receive(Syscall::NBWait, ipc, src, 0); }

inline Received nb_send_recv_on(Syscall number, IpcBuffer &ipc, CPtr dest, MessageInfo info, CPtr src,
                                CPtr reply) noexcept {
    arch::FastRegs m = load_fast_regs(ipc);
    Word info_word = info.word();
    arch::nb_send_recv(number, dest, src, info_word, m, reply);
    store_fast_regs(ipc, m);
    return {MessageInfo::from_word(info_word), src};
}
inline Received nb_send_recv(IpcBuffer &ipc, CPtr dest, MessageInfo info, CPtr src, CPtr reply) noexcept {
    return nb_send_recv_on(Syscall::NBSendRecv, ipc, dest, info, src, reply);
}
// NBSendWait has no reply object; the kernel takes its destination from the reply
// register (and nothing from the NBSendRecv destination register).
inline Received nb_send_wait(IpcBuffer &ipc, CPtr dest, MessageInfo info, CPtr src) noexcept {
    return nb_send_recv_on(Syscall::NBSendWait, ipc, 0, info, src, dest);
}
#else
inline Received recv(IpcBuffer &ipc, CPtr src) noexcept { return receive(Syscall::Recv, ipc, src, 0); }
inline Received nb_recv(IpcBuffer &ipc, CPtr src) noexcept { return receive(Syscall::NBRecv, ipc, src, 0); }
inline Received reply_recv(IpcBuffer &ipc, CPtr src, MessageInfo info) noexcept {
    return reply_then_receive(ipc, src, info, 0);
}
// Without MCS, waiting on a notification is a receive.
inline Received wait(IpcBuffer &ipc, CPtr src) noexcept { return recv(ipc, src); }
inline Received nb_wait(IpcBuffer &ipc, CPtr src) noexcept { return nb_recv(ipc, src); }

inline void reply(IpcBuffer &ipc, MessageInfo info) noexcept {
    arch::reply(Syscall::Reply, info.word(), load_fast_regs(ipc));
}
#endif

// Signal a notification: a send of an empty message.
inline void signal(CPtr dest) noexcept { arch::send_null(Syscall::Send, dest, MessageInfo(0, 0, 0, 0).word()); }

inline void yield() noexcept { arch::null(Syscall::Yield); }

#if CPP_SEL4_CONFIG_SET_TLS_BASE_SELF
inline void set_tls_base(Word base) noexcept { arch::send_null(Syscall::SetTLSBase, base, 0); }
#endif

// The shape of most debug and benchmark syscalls: one word goes in where the capability
// goes, and one word (where the badge comes back) is the result; nothing else is used.
inline Word word_trap(Syscall number, Word word) noexcept {
    Word info = 0;
    arch::FastRegs m{};
    arch::send_recv(number, word, info, m);
    return word;
}

// The debug syscalls of a debug kernel with printing (every world's kernel).
inline void debug_put_char(char c) noexcept { word_trap(Syscall::DebugPutChar, static_cast<unsigned char>(c)); }

inline void debug_dump_scheduler() noexcept { word_trap(Syscall::DebugDumpScheduler, 0); }

[[noreturn]] inline void debug_halt() noexcept {
    arch::null(Syscall::DebugHalt);
    __builtin_unreachable();
}

inline void debug_snapshot() noexcept { arch::null(Syscall::DebugSnapshot); }

// The kernel's type tag of the capability in `cap` (0 for a null capability).
inline std::uint32_t debug_cap_identify(CPtr cap) noexcept {
    return static_cast<std::uint32_t>(word_trap(Syscall::DebugCapIdentify, cap));
}

// Names a thread in the kernel's debug output; the name is passed in the IPC buffer.
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
inline void benchmark_null_syscall() noexcept { arch::null(Syscall::BenchmarkNullSyscall); }
inline void benchmark_flush_caches() noexcept { arch::send_null(Syscall::BenchmarkFlushCaches, 0, 0); }
inline Word benchmark_reset_log() noexcept { return word_trap(Syscall::BenchmarkResetLog, 0); }
inline Word benchmark_finalize_log() noexcept { return word_trap(Syscall::BenchmarkFinalizeLog, 0); }
inline Word benchmark_set_log_buffer(CPtr frame) noexcept { return word_trap(Syscall::BenchmarkSetLogBuffer, frame); }
#endif

} // namespace sys
} // namespace sel4
