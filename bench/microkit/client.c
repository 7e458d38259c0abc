/* The client of bench/microkit.sh in C (libmicrokit's API): in init, ROUNDS protected calls
 * to the server (one message register, which the server increments), then a notify
 * ping-pong of ROUNDS round trips (it notifies, the server notifies back, notified() counts).
 * It reports the counter ticks of each loop; client.cpp is the same in C++. */
#include <microkit.h>

#include "counter.h"
#include "put.h"

#define SERVER 0
#define ROUNDS 10000
#define WARMUP 16

static uint64_t notify_start;
static unsigned notify_rounds;


/* bench-microkit: <what> <rounds> rounds <ticks> ticks at <hz> Hz */
static void report(const char *what, uint64_t ticks)
{
    microkit_dbg_puts("bench-microkit: ");
    microkit_dbg_puts(what);
    microkit_dbg_puts(" ");
    put_u64(ROUNDS);
    microkit_dbg_puts(" rounds ");
    put_u64(ticks);
    microkit_dbg_puts(" ticks at ");
    put_u64(bench_counter_hz());
    microkit_dbg_puts(" Hz\n");
}

static seL4_Word call(seL4_Word value)
{
    microkit_mr_set(0, value);
    (void)microkit_ppcall(SERVER, microkit_msginfo_new(0, 1));
    return microkit_mr_get(0);
}

void init(void)
{
    seL4_Word errors = 0;
    for (seL4_Word i = 0; i < WARMUP; i++)
        errors += call(i) != i + 1;
    const uint64_t start = bench_counter();
    for (seL4_Word i = 0; i < ROUNDS; i++)
        errors += call(i) != i + 1;
    const uint64_t end = bench_counter();
    if (errors != 0) {
        microkit_dbg_puts("bench-microkit: wrong answers from the server\n");
        return;
    }
    report("ppc", end - start);
    notify_start = bench_counter();
    microkit_notify(SERVER);
}

void notified(microkit_channel ch)
{
    if (ch != SERVER)
        return;
    if (++notify_rounds < ROUNDS) {
        microkit_notify(SERVER);
        return;
    }
    const uint64_t end = bench_counter();
    report("notify", end - notify_start);
    microkit_dbg_puts("bench-microkit: done\n");
}
