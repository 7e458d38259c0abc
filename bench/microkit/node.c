/* A PD of the 63-PD system of bench/microkit.sh (the one ELF of every PD): reads the counter
 * first thing in init and prints it, so that the script can take the last PD's. */
#include <microkit.h>

#include "counter.h"

static void put_u64(uint64_t value)
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

void init(void)
{
    const uint64_t now = bench_counter();
    microkit_dbg_puts("bench-microkit: init ");
    microkit_dbg_puts(microkit_name);
    microkit_dbg_puts(" at ");
    put_u64(now);
    microkit_dbg_puts("\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
