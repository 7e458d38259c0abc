/*
 * libmicrokit's debug output, on the kernel's debug console (seL4_DebugPutChar exists only
 * with CONFIG_PRINTING; without it the output is dropped), and libsel4's assertion hook.
 */
#include <sel4/sel4.h>

#include <microkit.h>

void microkit_dbg_putc(int c)
{
#if defined(CONFIG_PRINTING)
    seL4_DebugPutChar((char)c);
#else
    (void)c;
#endif
}

void microkit_dbg_puts(const char *s)
{
    for (; *s != '\0'; s++) {
        microkit_dbg_putc(*s);
    }
}

/* The decimal digits of `x`, without leading zeros. */
static void put_decimal(seL4_Uint32 x)
{
    char digits[11]; /* 4294967295 and the NUL */
    char *first = &digits[sizeof digits - 1];
    *first = '\0';
    do {
        *--first = (char)('0' + x % 10);
        x /= 10;
    } while (x != 0);
    microkit_dbg_puts(first);
}

void microkit_dbg_put8(seL4_Uint8 x)
{
    put_decimal(x);
}

void microkit_dbg_put32(seL4_Uint32 x)
{
    put_decimal(x);
}

/*
 * libsel4's seL4_Assert and seL4_Fail (debug kernels) call this. Weak, so that a PD with its
 * own C library keeps that library's.
 */
__attribute__((weak)) void __assert_fail(const char *str, const char *file, int line, const char *function)
{
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts("|assert failed: ");
    microkit_dbg_puts(str);
    microkit_dbg_puts(" ");
    microkit_dbg_puts(file);
    microkit_dbg_puts(":");
    microkit_dbg_put32((seL4_Uint32)line);
    microkit_dbg_puts(" ");
    microkit_dbg_puts(function);
    microkit_dbg_puts("\n");
    microkit_internal_crash(0);
}

/*
 * libsel4's <sel4/assert.h> declares __assert_fail without extern "C", so C++ code calls it
 * by its mangled name (the Itanium C++ ABI's, on every architecture here). Weak as well, and
 * forwarding, so that a PD's own __assert_fail (of either language) is the one called.
 */
void microkit_cxx_assert_fail(const char *str, const char *file, int line, const char *function)
    __asm__("_Z13__assert_failPKcS0_iS0_");

__attribute__((weak)) void microkit_cxx_assert_fail(const char *str, const char *file, int line, const char *function)
{
    __assert_fail(str, file, line, function);
}
