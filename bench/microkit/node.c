/* A PD of the 63-PD system of bench/microkit.sh (the one ELF of every PD): reads the counter
 * first thing in init and prints it, so that the script can take the last PD's. */
#include <microkit.h>

#include "counter.h"
#include "put.h"


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
