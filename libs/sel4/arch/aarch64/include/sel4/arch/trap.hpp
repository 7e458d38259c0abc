/// @file
/// The seL4 system-call trap on aarch64: its instruction and the registers of seL4's aarch64
/// syscall ABI, over which sel4/detail/register_trap.hpp (included last) writes the traps.
#pragma once

#define CPP_SEL4_TRAP_INSN "svc #0" ///< The trap instruction.
#define CPP_SEL4_REG_CAP "x0"       ///< The capability in (destination or source), the badge out.
#define CPP_SEL4_REG_INFO "x1"      ///< The message info, in and out.
#define CPP_SEL4_REG_MR0 "x2"       ///< The first message register.
#define CPP_SEL4_REG_MR1 "x3"       ///< The second message register.
#define CPP_SEL4_REG_MR2 "x4"       ///< The third message register.
#define CPP_SEL4_REG_MR3 "x5"       ///< The fourth message register.
#define CPP_SEL4_REG_REPLY "x6"     ///< The reply capability (MCS).
#define CPP_SEL4_REG_NUMBER "x7"    ///< The syscall number.
#define CPP_SEL4_REG_DEST "x8"      ///< The destination of NBSendRecv and NBSendWait (MCS).
#include <sel4/detail/register_trap.hpp>
