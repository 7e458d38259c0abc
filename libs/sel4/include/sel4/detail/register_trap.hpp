// The seL4 system-call trap for architectures whose ABI passes everything in
// general-purpose registers and preserves the stack pointer (aarch64, riscv64).
// The arch's trap.hpp defines the register names and the trap instruction, then
// includes this file:
//   CPP_SEL4_TRAP_INSN   the trap instruction ("svc #0", "ecall")
//   CPP_SEL4_REG_CAP     destination or source capability in, badge out
//   CPP_SEL4_REG_INFO    message info in and out
//   CPP_SEL4_REG_MR0..3  the first four message registers
//   CPP_SEL4_REG_REPLY   the reply capability (MCS)
//   CPP_SEL4_REG_NUMBER  the syscall number
//   CPP_SEL4_REG_DEST    the destination of NBSendRecv/NBSendWait (MCS)
// As in libsel4, the kernel may change every argument register, so all of them are
// in-out operands even for traps whose results are not read.
#pragma once

#include <sel4/config.hpp>
#include <sel4/gen/syscalls.hpp>

#include <cstdint>

namespace sel4::sys::arch {

using Word = std::uintptr_t;

// The four message registers passed in machine registers, in order.
struct FastRegs {
    Word mr0, mr1, mr2, mr3;
};

#define CPP_SEL4_MR_REGISTERS(m)                                                                                   \
    register Word mr0 asm(CPP_SEL4_REG_MR0) = (m).mr0;                                                             \
    register Word mr1 asm(CPP_SEL4_REG_MR1) = (m).mr1;                                                             \
    register Word mr2 asm(CPP_SEL4_REG_MR2) = (m).mr2;                                                             \
    register Word mr3 asm(CPP_SEL4_REG_MR3) = (m).mr3

// Sends: no result is read back.
inline void send(Syscall number, Word dest, Word info, const FastRegs &m) noexcept {
    register Word cap_reg asm(CPP_SEL4_REG_CAP) = dest;
    register Word info_reg asm(CPP_SEL4_REG_INFO) = info;
    CPP_SEL4_MR_REGISTERS(m);
    register long number_reg asm(CPP_SEL4_REG_NUMBER) = static_cast<long>(number);
    asm volatile(CPP_SEL4_TRAP_INSN
                 : "+r"(cap_reg), "+r"(info_reg), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3)
                 : "r"(number_reg)
                 : "memory");
}

// A trap carrying at most two words and returning nothing (Signal, SetTLSBase, NameThread...).
inline void send_null(Syscall number, Word dest, Word info) noexcept {
    register Word cap_reg asm(CPP_SEL4_REG_CAP) = dest;
    register Word info_reg asm(CPP_SEL4_REG_INFO) = info;
    register long number_reg asm(CPP_SEL4_REG_NUMBER) = static_cast<long>(number);
    asm volatile(CPP_SEL4_TRAP_INSN : "+r"(cap_reg), "+r"(info_reg) : "r"(number_reg) : "memory");
}

// A trap with no arguments (Yield, DebugHalt, DebugSnapshot).
inline void null(Syscall number) noexcept {
    register long number_reg asm(CPP_SEL4_REG_NUMBER) = static_cast<long>(number);
    asm volatile(CPP_SEL4_TRAP_INSN : : "r"(number_reg) : "memory");
}

// Reply (non-MCS): info and the message, no capability.
inline void reply(Syscall number, Word info, const FastRegs &m) noexcept {
    register Word info_reg asm(CPP_SEL4_REG_INFO) = info;
    CPP_SEL4_MR_REGISTERS(m);
    register long number_reg asm(CPP_SEL4_REG_NUMBER) = static_cast<long>(number);
    asm volatile(CPP_SEL4_TRAP_INSN
                 : "+r"(info_reg), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3)
                 : "r"(number_reg)
                 : "memory");
}

// Every trap that receives: `cap` goes in (destination or source) and the badge comes
// back in its place; info and the four message registers go in and come back.
// `reply_cap` is the reply capability on MCS kernels and ignored otherwise.
inline void send_recv(Syscall number, Word &cap, Word &info, FastRegs &m, Word reply_cap = 0) noexcept {
    register Word cap_reg asm(CPP_SEL4_REG_CAP) = cap;
    register Word info_reg asm(CPP_SEL4_REG_INFO) = info;
    CPP_SEL4_MR_REGISTERS(m);
    register long number_reg asm(CPP_SEL4_REG_NUMBER) = static_cast<long>(number);
    if constexpr (config::kernel_mcs) {
        register Word reply_reg asm(CPP_SEL4_REG_REPLY) = reply_cap;
        asm volatile(CPP_SEL4_TRAP_INSN
                     : "+r"(cap_reg), "+r"(info_reg), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3)
                     : "r"(number_reg), "r"(reply_reg)
                     : "memory");
    } else {
        asm volatile(CPP_SEL4_TRAP_INSN
                     : "+r"(cap_reg), "+r"(info_reg), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3)
                     : "r"(number_reg)
                     : "memory");
    }
    cap = cap_reg;
    info = info_reg;
    m = {mr0, mr1, mr2, mr3};
}

// A pure receive (Recv, NBRecv, Wait, NBWait): `cap` in, the badge out; info and the four
// message registers only come back.
inline void recv(Syscall number, Word &cap, Word &info, FastRegs &m, Word reply_cap = 0) noexcept {
    register Word cap_reg asm(CPP_SEL4_REG_CAP) = cap;
    register Word info_reg asm(CPP_SEL4_REG_INFO);
    register Word mr0 asm(CPP_SEL4_REG_MR0);
    register Word mr1 asm(CPP_SEL4_REG_MR1);
    register Word mr2 asm(CPP_SEL4_REG_MR2);
    register Word mr3 asm(CPP_SEL4_REG_MR3);
    register long number_reg asm(CPP_SEL4_REG_NUMBER) = static_cast<long>(number);
    if constexpr (config::kernel_mcs) {
        register Word reply_reg asm(CPP_SEL4_REG_REPLY) = reply_cap;
        asm volatile(CPP_SEL4_TRAP_INSN
                     : "+r"(cap_reg), "=r"(info_reg), "=r"(mr0), "=r"(mr1), "=r"(mr2), "=r"(mr3)
                     : "r"(number_reg), "r"(reply_reg)
                     : "memory");
    } else {
        asm volatile(CPP_SEL4_TRAP_INSN
                     : "+r"(cap_reg), "=r"(info_reg), "=r"(mr0), "=r"(mr1), "=r"(mr2), "=r"(mr3)
                     : "r"(number_reg)
                     : "memory");
    }
    cap = cap_reg;
    info = info_reg;
    m = {mr0, mr1, mr2, mr3};
}

// NBSendRecv and NBSendWait (MCS): sends to `dest`, then receives on `src`, whose
// badge comes back in `src`.
inline void nb_send_recv(Syscall number, Word dest, Word &src, Word &info, FastRegs &m, Word reply_cap) noexcept {
    register Word cap_reg asm(CPP_SEL4_REG_CAP) = src;
    register Word info_reg asm(CPP_SEL4_REG_INFO) = info;
    CPP_SEL4_MR_REGISTERS(m);
    register Word reply_reg asm(CPP_SEL4_REG_REPLY) = reply_cap;
    register Word dest_reg asm(CPP_SEL4_REG_DEST) = dest;
    register long number_reg asm(CPP_SEL4_REG_NUMBER) = static_cast<long>(number);
    asm volatile(CPP_SEL4_TRAP_INSN
                 : "+r"(cap_reg), "+r"(info_reg), "+r"(mr0), "+r"(mr1), "+r"(mr2), "+r"(mr3)
                 : "r"(number_reg), "r"(reply_reg), "r"(dest_reg)
                 : "memory");
    src = cap_reg;
    info = info_reg;
    m = {mr0, mr1, mr2, mr3};
}

#undef CPP_SEL4_MR_REGISTERS

} // namespace sel4::sys::arch
