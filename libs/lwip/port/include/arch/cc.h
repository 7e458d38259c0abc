/**
 * @file
 * lwIP's compiler and platform abstraction for cpp-sel4 (libs/lwip): GCC on little-endian
 * aarch64, riscv64 and x86_64, with glibc's (declaration-only) C headers on seL4 targets and
 * the host's on the host. The platform's hooks are C functions that libs/lwip defines (src/
 * platform_*.cpp):
 * - sel4_lwip_platform_assert: a failed LWIP_ASSERT. On seL4 a sel4::log error line, then the
 *   runtime's fatal() (the `cpp-sel4: aborted:` line, a backtrace, the thread stopped); on the
 *   host a line on stderr and abort();
 * - sel4_lwip_platform_diag: LWIP_PLATFORM_DIAG (only LWIP_DEBUG builds print);
 * - sel4_lwip_rand: LWIP_RAND, the function sel4::lwip::set_random() installed;
 * - sys_now (lwIP's own name): milliseconds from the clock sel4::lwip::set_clock() installed.
 * No errno: NO_SYS without sockets never includes lwip/errno.h, and lwIP's err_t is its own.
 */
#ifndef SEL4_LWIP_ARCH_CC_H
#define SEL4_LWIP_ARCH_CC_H

#include <stdint.h>

/* lwIP's own character classes (lwip_isdigit, lwip_tolower, ...), not the C library's: glibc's
 * ctype.h macros call __ctype_b_loc, which a minimal PD has not got. */
#define LWIP_NO_CTYPE_H 1

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BYTE_ORDER LITTLE_ENDIAN
#else
#define BYTE_ORDER BIG_ENDIAN
#endif

/* Byte swaps as single instructions. */
#if BYTE_ORDER == LITTLE_ENDIAN
#define lwip_htons(x) ((u16_t)__builtin_bswap16((u16_t)(x)))
#define lwip_ntohs(x) lwip_htons(x)
#define lwip_htonl(x) ((u32_t)__builtin_bswap32((u32_t)(x)))
#define lwip_ntohl(x) lwip_htonl(x)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** A failed assertion: `message` at `file`:`line`. Never returns. */
__attribute__((noreturn, cold)) void sel4_lwip_platform_assert(const char *message, const char *file, int line);
/** Diagnostic output, printf-style. */
__attribute__((format(printf, 1, 2))) void sel4_lwip_platform_diag(const char *format, ...);
/** The next random number, from the installed hook. */
uint32_t sel4_lwip_rand(void);

#ifdef __cplusplus
}
#endif

#define LWIP_PLATFORM_ASSERT(message) sel4_lwip_platform_assert((message), __FILE__, __LINE__)
#define LWIP_PLATFORM_DIAG(args) do { sel4_lwip_platform_diag args; } while (0)

#endif /* SEL4_LWIP_ARCH_CC_H */
