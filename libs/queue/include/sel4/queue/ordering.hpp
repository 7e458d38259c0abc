/// @file
/// The memory ordering of the queues' index words and signal flags: SEL4_QUEUE_SMP.
///
/// A queue is single-producer single-consumer. The producer fills a slot, then publishes it by
/// storing the tail; the consumer reads the slot, then releases it by storing the head. Which
/// barriers that needs depends on whether the two sides can run on different cores:
///
/// - SEL4_QUEUE_SMP 0 (a kernel of one core, CPP_SEL4_CONFIG_MAX_NUM_NODES == 1): both PDs run
///   on the same core and interleave only at kernel entries (a notification, a preemption),
///   and a core sees its own loads and stores in program order. Only the compiler must keep
///   the slot's accesses on their side of the index's: a relaxed atomic access (one plain load
///   or store, never torn, merged or repeated; GCC 12 makes a 32-bit store on riscv64 an
///   amoswap) and a signal fence, which costs no instruction.
/// - SEL4_QUEUE_SMP 1 (host threads; a kernel of more than one core): the peer may see the
///   stores out of order. The tail's store is a release and its load an acquire (the slot's
///   contents are visible before its index); the head's store is a release and its load an
///   acquire (the consumer's reads of a slot are done before the producer may reuse it).
///
/// The signalling handshake (net::Queue) is a store followed by a load of the *other* word on
/// each side (the consumer stores its flag, then loads the tail; the producer stores the tail,
/// then loads the flag). Acquire and release do not order a store before a later load, so with
/// SMP a sequentially consistent fence sits between them on both sides, or each side could
/// miss the other's store and the consumer sleep on a non-empty queue. sDDF 0.7 puts a release
/// fence there (THREAD_MEMORY_RELEASE; its serial queues use fence_seq_cst), which C++'s model
/// does not make enough; the layout is unaffected.
///
/// Define SEL4_QUEUE_SMP to 0 or 1 to override. Without a kernel configuration to read (the
/// host, a world without a kernel) it is 1: the barriers are always correct, only slower.
#pragma once

#include <atomic>

#if !defined(SEL4_QUEUE_SMP)
#if __has_include(<sel4/config.hpp>)
#include <sel4/config.hpp>
/// 1 when the queues need the barriers of a multicore kernel (see the file's comment).
#define SEL4_QUEUE_SMP (CPP_SEL4_CONFIG_MAX_NUM_NODES > 1)
#else
/// 1 when the queues need the barriers of a multicore kernel (see the file's comment).
#define SEL4_QUEUE_SMP 1
#endif
#endif

namespace sel4::queue {

/// Whether the queues are built with the barriers of a multicore kernel (SEL4_QUEUE_SMP).
inline constexpr bool smp = SEL4_QUEUE_SMP;

namespace detail {

/// An index or flag word of the peer's (`ref.load<Member>()` with acquire semantics).
template <auto Member, class Ref> auto load_acquire(const Ref &ref) noexcept {
    if constexpr (smp) {
        return ref.template load<Member>(std::memory_order_acquire);
    } else {
        auto value = ref.template load<Member>(std::memory_order_relaxed);
        std::atomic_signal_fence(std::memory_order_acquire);
        return value;
    }
}

/// Publishes an index or flag word (`ref.store<Member>(value)` with release semantics).
template <auto Member, class Ref, class Value> void store_release(const Ref &ref, Value value) noexcept {
    if constexpr (smp) {
        ref.template store<Member>(value, std::memory_order_release);
    } else {
        std::atomic_signal_fence(std::memory_order_release);
        ref.template store<Member>(value, std::memory_order_relaxed);
    }
}

/// A word only this side writes (its own index): no ordering needed.
template <auto Member, class Ref> auto load_own(const Ref &ref) noexcept {
    return ref.template load<Member>(std::memory_order_relaxed);
}

/// Orders an earlier store before a later load of another word (the signalling handshake).
inline void store_load_fence() noexcept {
    if constexpr (smp)
        std::atomic_thread_fence(std::memory_order_seq_cst);
    else
        std::atomic_signal_fence(std::memory_order_seq_cst);
}

} // namespace detail
} // namespace sel4::queue
