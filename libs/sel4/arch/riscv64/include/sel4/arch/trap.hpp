// The seL4 system-call trap on riscv64: `ecall`, with a7 holding the syscall number,
// a0 the capability (badge on return), a1 the message info, a2-a5 the first four
// message registers, a6 the reply capability (MCS) and t0 the NBSendRecv destination.
#pragma once

#define CPP_SEL4_TRAP_INSN "ecall"
#define CPP_SEL4_REG_CAP "a0"
#define CPP_SEL4_REG_INFO "a1"
#define CPP_SEL4_REG_MR0 "a2"
#define CPP_SEL4_REG_MR1 "a3"
#define CPP_SEL4_REG_MR2 "a4"
#define CPP_SEL4_REG_MR3 "a5"
#define CPP_SEL4_REG_REPLY "a6"
#define CPP_SEL4_REG_NUMBER "a7"
#define CPP_SEL4_REG_DEST "t0"
#include <sel4/detail/register_trap.hpp>
