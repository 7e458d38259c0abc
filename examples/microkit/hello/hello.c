/* The smallest Microkit system: one protection domain that says hello, in C against
 * libmicrokit's API (microkit.h), as Microkit's own hello example is written. */
#include <microkit.h>

void init(void)
{
    microkit_dbg_puts("hello, world\n");
}

void notified(microkit_channel ch)
{
    (void)ch;
}
