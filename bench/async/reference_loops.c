/* The C reference's timed loops (see reference_queue.h), compiled as C. */
#include "reference_queue.h"

#if REF_HOSTED
#include <sched.h>
#endif

uint64_t ref_batches(struct ref_handle *h, uint32_t rounds, uint32_t batch)
{
    uint64_t sum = 0;
    uint64_t next = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        for (uint32_t i = 0; i < batch; i++) {
            struct ref_desc buffer = { next++, 64, 0 };
            if (ref_enqueue(h, buffer) != 0) {
                return 0;
            }
        }
        for (uint32_t i = 0; i < batch; i++) {
            struct ref_desc buffer;
            if (ref_dequeue(h, &buffer) != 0) {
                return 0;
            }
            sum += buffer.io_or_offset + buffer.len;
        }
    }
    return sum;
}

uint64_t ref_signals(struct ref_handle *h, uint32_t rounds)
{
    uint64_t seen = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        /* consumer, before it waits */
        ref_request_signal(h);
        if (!ref_empty(h)) {
            ref_cancel_signal(h);
        }
        /* producer, after its batch */
        if (ref_require_signal(h)) {
            ref_cancel_signal(h);
            seen++;
        }
    }
    return seen;
}

#if REF_HOSTED
void ref_produce(struct ref_handle *h, uint64_t n)
{
    for (uint64_t i = 0; i < n;) {
        struct ref_desc buffer = { i, (uint16_t)i, 0 };
        if (ref_enqueue(h, buffer) == 0) {
            i++;
        } else {
            sched_yield();
        }
    }
}

uint64_t ref_consume(struct ref_handle *h, uint64_t n)
{
    uint64_t wrong = 0;
    for (uint64_t i = 0; i < n;) {
        struct ref_desc buffer;
        if (ref_dequeue(h, &buffer) == 0) {
            wrong += buffer.io_or_offset != i || buffer.len != (uint16_t)i;
            i++;
        } else {
            sched_yield();
        }
    }
    return wrong;
}
#endif
