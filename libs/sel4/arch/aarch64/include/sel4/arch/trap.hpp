// The seL4 system-call trap on aarch64: `svc #0`, with x7 holding the syscall number,
// x0 the capability (badge on return), x1 the message info, x2-x5 the first four
// message registers, x6 the reply capability (MCS) and x8 the NBSendRecv destination.
#pragma once

#define CPP_SEL4_TRAP_INSN "svc #0"
#define CPP_SEL4_REG_CAP "x0"
#define CPP_SEL4_REG_INFO "x1"
#define CPP_SEL4_REG_MR0 "x2"
#define CPP_SEL4_REG_MR1 "x3"
#define CPP_SEL4_REG_MR2 "x4"
#define CPP_SEL4_REG_MR3 "x5"
#define CPP_SEL4_REG_REPLY "x6"
#define CPP_SEL4_REG_NUMBER "x7"
#define CPP_SEL4_REG_DEST "x8"
#include <sel4/detail/register_trap.hpp>
