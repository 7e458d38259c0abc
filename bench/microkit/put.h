/* Decimal output for the C PDs of bench/microkit.sh, through libmicrokit's debug console. */
#ifndef BENCH_MICROKIT_PUT_H
#define BENCH_MICROKIT_PUT_H

#include <microkit.h>
#include <stdint.h>

static inline void put_u64(uint64_t value)
{
    char digits[21];
    int n = sizeof digits - 1;
    digits[n] = '\0';
    do {
        digits[--n] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    microkit_dbg_puts(&digits[n]);
}

#endif
