/// @file
/// The seL4 system-call trap on x86_64 (the `syscall` instruction).
///
/// Registers (seL4's x86_64 ABI): rdx holds the syscall number, rdi the destination or
/// source capability (and on return the badge), rsi the message info, r10 r8 r9 r15 the
/// first four message registers, r12 the reply capability on MCS, r13 the destination of
/// NBSendRecv/NBSendWait. The kernel returns with sysret, which clobbers rcx and r11, and
/// does not preserve rsp, so rsp is kept in rbx across the trap.
#pragma once

#include <sel4/config.hpp>
#include <sel4/gen/syscalls.hpp>

#include <cstdint>

/// The traps themselves, one per shape of system call, beneath the system calls of
/// sel4::sys; `number` is the system call.
namespace sel4::sys::arch {

/// A machine word.
using Word = std::uintptr_t;

/// The four message registers passed in machine registers, in order.
struct FastRegs {
    Word mr0; ///< Message register 0.
    Word mr1; ///< Message register 1.
    Word mr2; ///< Message register 2.
    Word mr3; ///< Message register 3.
};

/// The trap, with rsp saved in rbx (undefined at the end of this header).
#define CPP_SEL4_TRAP "movq %%rsp, %%rbx\n\tsyscall\n\tmovq %%rbx, %%rsp"

/// Sends (Send, NBSend): no result is read back.
inline void send(Syscall number, Word dest, Word info, const FastRegs &m) noexcept {
    register Word mr0 asm("r10") = m.mr0;
    register Word mr1 asm("r8") = m.mr1;
    register Word mr2 asm("r9") = m.mr2;
    register Word mr3 asm("r15") = m.mr3;
    asm volatile(CPP_SEL4_TRAP
                 :
                 : "d"(static_cast<long>(number)), "D"(dest), "S"(info), "r"(mr0), "r"(mr1), "r"(mr2), "r"(mr3)
                 : "rbx", "rcx", "r11", "memory");
}

/// A trap carrying at most two words and returning nothing (Signal, SetTLSBase, NameThread...).
inline void send_null(Syscall number, Word dest, Word info) noexcept {
    asm volatile(CPP_SEL4_TRAP : : "d"(static_cast<long>(number)), "D"(dest), "S"(info) : "rbx", "rcx", "r11", "memory");
}

/// A trap with no arguments (Yield, DebugHalt, DebugSnapshot).
inline void null(Syscall number) noexcept {
    asm volatile(CPP_SEL4_TRAP : : "d"(static_cast<long>(number)) : "rbx", "rcx", "rsi", "rdi", "r11", "memory");
}

/// Reply (non-MCS): info and the message, no capability.
inline void reply(Syscall number, Word info, const FastRegs &m) noexcept {
    register Word mr0 asm("r10") = m.mr0;
    register Word mr1 asm("r8") = m.mr1;
    register Word mr2 asm("r9") = m.mr2;
    register Word mr3 asm("r15") = m.mr3;
    asm volatile(CPP_SEL4_TRAP
                 :
                 : "d"(static_cast<long>(number)), "S"(info), "r"(mr0), "r"(mr1), "r"(mr2), "r"(mr3)
                 : "rbx", "rcx", "r11", "memory");
}

/// Every trap that sends and receives (Call, ReplyRecv, the debug calls): `cap` goes in
/// (destination or source) and the badge comes back in its place; info and the four
/// message registers go in and come back. `reply_cap` is the reply capability on MCS
/// kernels and ignored otherwise.
inline void send_recv(Syscall number, Word &cap, Word &info, FastRegs &m, Word reply_cap = 0) noexcept {
    register Word mr0 asm("r10") = m.mr0;
    register Word mr1 asm("r8") = m.mr1;
    register Word mr2 asm("r9") = m.mr2;
    register Word mr3 asm("r15") = m.mr3;
    if constexpr (config::kernel_mcs) {
        register Word reply asm("r12") = reply_cap;
        asm volatile(CPP_SEL4_TRAP
                     : "+D"(cap), "+S"(info), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3)
                     : "d"(static_cast<long>(number)), "r"(reply)
                     : "rbx", "rcx", "r11", "memory");
    } else {
        asm volatile(CPP_SEL4_TRAP
                     : "+D"(cap), "+S"(info), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3)
                     : "d"(static_cast<long>(number))
                     : "rbx", "rcx", "r11", "memory");
    }
    m = {mr0, mr1, mr2, mr3};
}

/// A pure receive (Recv, NBRecv, Wait, NBWait): `cap` in, the badge out; info and the four
/// message registers only come back.
inline void recv(Syscall number, Word &cap, Word &info, FastRegs &m, Word reply_cap = 0) noexcept {
    register Word mr0 asm("r10");
    register Word mr1 asm("r8");
    register Word mr2 asm("r9");
    register Word mr3 asm("r15");
    if constexpr (config::kernel_mcs) {
        register Word reply asm("r12") = reply_cap;
        asm volatile(CPP_SEL4_TRAP
                     : "+D"(cap), "=S"(info), "=r"(mr0), "=r"(mr1), "=r"(mr2), "=r"(mr3)
                     : "d"(static_cast<long>(number)), "r"(reply)
                     : "rbx", "rcx", "r11", "memory");
    } else {
        asm volatile(CPP_SEL4_TRAP
                     : "+D"(cap), "=S"(info), "=r"(mr0), "=r"(mr1), "=r"(mr2), "=r"(mr3)
                     : "d"(static_cast<long>(number))
                     : "rbx", "rcx", "r11", "memory");
    }
    m = {mr0, mr1, mr2, mr3};
}

/// NBSendRecv and NBSendWait (MCS): sends to `dest`, then receives on `src`, whose
/// badge comes back in `src`.
inline void nb_send_recv(Syscall number, Word dest, Word &src, Word &info, FastRegs &m, Word reply_cap) noexcept {
    register Word mr0 asm("r10") = m.mr0;
    register Word mr1 asm("r8") = m.mr1;
    register Word mr2 asm("r9") = m.mr2;
    register Word mr3 asm("r15") = m.mr3;
    register Word reply asm("r12") = reply_cap;
    register Word dest_reg asm("r13") = dest;
    asm volatile(CPP_SEL4_TRAP
                 : "+D"(src), "+S"(info), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3)
                 : "d"(static_cast<long>(number)), "r"(reply), "r"(dest_reg)
                 : "rbx", "rcx", "r11", "memory");
    m = {mr0, mr1, mr2, mr3};
}

#undef CPP_SEL4_TRAP

} // namespace sel4::sys::arch
