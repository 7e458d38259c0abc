/* The counter the benchmark PDs read (the one the CapDL initializer reports its time in):
 * aarch64 CNTPCT_EL0 (the Microkit kernel exports the physical count to EL0) with its
 * frequency from CNTFRQ_EL0; riscv64 the time CSR; x86_64 the time-stamp counter. Under QEMU's
 * -icount shift=0 each instruction is 1 ns of virtual time, so ticks * 1e9 / Hz instructions.
 * For C and C++ PDs alike: both read it with the same instructions. */
#ifndef BENCH_MICROKIT_COUNTER_H
#define BENCH_MICROKIT_COUNTER_H

#include <stdint.h>

static inline uint64_t bench_counter(void)
{
    uint64_t value;
#if defined(__aarch64__)
    __asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(value)::"memory");
#elif defined(__riscv)
    __asm__ volatile("rdtime %0" : "=r"(value)::"memory");
#elif defined(__x86_64__)
    uint32_t low, high;
    __asm__ volatile("lfence; rdtsc" : "=a"(low), "=d"(high)::"memory");
    value = ((uint64_t)high << 32) | low;
#else
#error "no counter for this architecture"
#endif
    return value;
}

/* The counter's frequency where user code can read it (aarch64); 0 elsewhere, where the
 * script takes the one the initializer reports (it has the BootInfo). */
static inline uint64_t bench_counter_hz(void)
{
#if defined(__aarch64__)
    uint64_t value;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(value));
    return value;
#else
    return 0;
#endif
}

#endif
