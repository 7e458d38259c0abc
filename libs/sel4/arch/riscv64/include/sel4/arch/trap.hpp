/// @file
/// The seL4 system-call trap on riscv64: its instruction and the registers of seL4's riscv64
/// syscall ABI, over which sel4/detail/register_trap.hpp (included last) writes the traps.
#pragma once

#define CPP_SEL4_TRAP_INSN "ecall" ///< The trap instruction.
#define CPP_SEL4_REG_CAP "a0"      ///< The capability in (destination or source), the badge out.
#define CPP_SEL4_REG_INFO "a1"     ///< The message info, in and out.
#define CPP_SEL4_REG_MR0 "a2"      ///< The first message register.
#define CPP_SEL4_REG_MR1 "a3"      ///< The second message register.
#define CPP_SEL4_REG_MR2 "a4"      ///< The third message register.
#define CPP_SEL4_REG_MR3 "a5"      ///< The fourth message register.
#define CPP_SEL4_REG_REPLY "a6"    ///< The reply capability (MCS).
#define CPP_SEL4_REG_NUMBER "a7"   ///< The syscall number.
#define CPP_SEL4_REG_DEST "t0"     ///< The destination of NBSendRecv and NBSendWait (MCS).
#include <sel4/detail/register_trap.hpp>
