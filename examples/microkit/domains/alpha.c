/* alpha: in domain alpha (9 ms slots), at the higher priority. */
#include "spin.h"

void init(void)
{
    microkit_dbg_puts("alpha: spinning in domain alpha\n");
    spin(0);
    microkit_dbg_puts("alpha: done\n");
    COUNTERS->alpha_finished = 1;
}

void notified(microkit_channel ch)
{
    (void)ch;
}
