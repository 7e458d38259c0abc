/* The reference for bench/async.sh: sDDF 0.7's network queue as C code written plainly in its
 * style (include/sddf/network/queue.h), so that sel4::queue::net::Queue is measured against
 * what a C component does with the same shared layout:
 *   - the slot is `index % capacity` (a division: the capacity is only known at run time),
 *   - the barrier before an index store is a release fence when REF_SMP (sDDF's
 *     THREAD_MEMORY_RELEASE under CONFIG_ENABLE_SMP_SUPPORT), nothing otherwise,
 *   - the signal flag is stored and read plainly, with the same release fence.
 * Where this differs from sDDF, so that the reference is correct when two threads spin on it:
 * the index words are read and written with relaxed atomics (one load, one store, as sDDF's
 * plain accesses compile at its call sites), the consumer has an acquire fence after it saw
 * the tail (sDDF has none), and `tail - head` is compared as a 16-bit value (sDDF compares
 * the int-promoted difference, which goes wrong once the tail wraps before the head). */
#ifndef BENCH_ASYNC_REFERENCE_QUEUE_H
#define BENCH_ASYNC_REFERENCE_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ref_desc {
    uint64_t io_or_offset;
    uint16_t len;
    uint8_t oid : 6;
};

struct ref_queue {
    uint16_t tail;
    uint16_t head;
    uint32_t consumer_signalled;
    /* then the descriptors: buffers[capacity], at offset 8 */
};

struct ref_handle {
    struct ref_queue *queue;
    uint32_t capacity;
};

#if REF_SMP
#define REF_RELEASE() __atomic_thread_fence(__ATOMIC_RELEASE)
#define REF_ACQUIRE() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#else
#define REF_RELEASE() __atomic_signal_fence(__ATOMIC_RELEASE)
#define REF_ACQUIRE() __atomic_signal_fence(__ATOMIC_ACQUIRE)
#endif

static inline struct ref_desc *ref_slots(struct ref_queue *queue)
{
    return (struct ref_desc *)(queue + 1);
}

static inline uint16_t ref_load(const uint16_t *index)
{
    return __atomic_load_n(index, __ATOMIC_RELAXED);
}

static inline void ref_store(uint16_t *index, uint16_t value)
{
    __atomic_store_n(index, value, __ATOMIC_RELAXED);
}

static inline bool ref_empty(struct ref_handle *h)
{
    return ref_load(&h->queue->tail) == ref_load(&h->queue->head);
}

static inline int ref_enqueue(struct ref_handle *h, struct ref_desc buffer)
{
    struct ref_queue *q = h->queue;
    uint16_t tail = ref_load(&q->tail);
    if ((uint16_t)(tail - ref_load(&q->head)) == h->capacity) {
        return -1;
    }
    ref_slots(q)[tail % h->capacity] = buffer;
    REF_RELEASE();
    ref_store(&q->tail, tail + 1);
    return 0;
}

static inline int ref_dequeue(struct ref_handle *h, struct ref_desc *buffer)
{
    struct ref_queue *q = h->queue;
    uint16_t head = ref_load(&q->head);
    if (ref_load(&q->tail) == head) {
        return -1;
    }
    REF_ACQUIRE();
    *buffer = ref_slots(q)[head % h->capacity];
    REF_RELEASE();
    ref_store(&q->head, head + 1);
    return 0;
}

static inline void ref_request_signal(struct ref_handle *h)
{
    h->queue->consumer_signalled = 0;
    REF_RELEASE();
}

static inline void ref_cancel_signal(struct ref_handle *h)
{
    h->queue->consumer_signalled = 1;
    REF_RELEASE();
}

static inline bool ref_require_signal(struct ref_handle *h)
{
    return !h->queue->consumer_signalled;
}

/* The loops the bench times (reference_loops.c), each the twin of a C++ one. */

/* `rounds` times: `batch` enqueues, then `batch` dequeues; the sum of what came out. */
uint64_t ref_batches(struct ref_handle *h, uint32_t rounds, uint32_t batch);
/* `rounds` times the signalling of one batch on an empty queue: the consumer asks and checks
 * again, the producer sees the request and takes it. The number of requests seen. */
uint64_t ref_signals(struct ref_handle *h, uint32_t rounds);
/* Two threads (host only): the producer enqueues 0..n-1 spinning while the queue is full, the
 * consumer dequeues n spinning while it is empty; the number of entries out of order. */
void ref_produce(struct ref_handle *h, uint64_t n);
uint64_t ref_consume(struct ref_handle *h, uint64_t n);

#ifdef __cplusplus
}
#endif

#endif
