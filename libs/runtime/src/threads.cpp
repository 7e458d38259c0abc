// Threads for root tasks: pthread_create and its companions beneath std::thread, futex-style
// waiting (src/wait_queue.hpp) on seL4 notifications, thread-specific data, thread_local
// destructors, and the scheduling calls.
//
// A thread is a TCB the runtime makes from the root task's untypeds (through the allocator,
// sel4/alloc), with a stack of fresh pages under an unmapped guard page, its TLS block above
// the stack, an IPC buffer page, and a notification it blocks on. It runs at the root task's
// priority (255), on the cores in turn. A finished thread's objects and pages are kept and
// given to the next thread created, so that creating threads in a loop does not use up the
// untypeds.
#include <sel4/alloc/allocator.hpp>
#include <sel4/runtime/abort.hpp>
#include <sel4/runtime/arch/thread.hpp>
#include <sel4/runtime/arch/tls.hpp>
#include <sel4/runtime/libc.hpp>
#include <sel4/runtime/root_task.hpp>
#include <sel4/runtime/threads.hpp>
#include <sel4/runtime/tls.hpp>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <new>
#include <pthread.h>
#include <sched.h>
#include <sys/sysinfo.h>

#include "wait_queue.hpp"

namespace sel4_runtime {

namespace {

constexpr sel4::Word page_size = sel4::Word{1} << sel4::gen::PageBits;
constexpr sel4::Word priority = 255; // the root task's own
constexpr std::size_t max_keys = 64;
// glibc's PTHREAD_STACK_MIN is a sysconf call; this is its value on these ABIs.
constexpr std::size_t min_stack_size = 16384;
#if CPP_SEL4_CONFIG_KERNEL_MCS
constexpr sel4::Word time_slice_us = 5000; // budget = period: round-robin at this slice
#endif

struct Destructor {
    void (*function)(void *);
    void *object;
    Destructor *next;
};

struct Thread {
    // Waiting (the futex queue, under queue_lock).
    Thread *next_waiter = nullptr;
    const std::uint32_t *waiting_on = nullptr;
    // The thread's kernel objects and memory.
    sel4::Word tcb = 0;
    sel4::Word notification = 0;        // it waits on this...
    sel4::Word badged_notification = 0; // ...and is woken through this (badge 1)
    sel4::IpcBuffer *ipc_buffer = nullptr;
    std::uintptr_t stack_top = 0;
    std::size_t stack_size = 0;
    void *tls_block = nullptr;
    unsigned core = 0;
    // What it runs, and how it ends.
    void *(*start)(void *) = nullptr;
    void *argument = nullptr;
    void *result = nullptr;
    std::uint32_t finished = 0; // futex word for pthread_join
    std::uint32_t left = 0;     // 1 once it holds no lock any more: it may be suspended
    bool detached = false;
    Destructor *destructors = nullptr; // thread_local destructors, last registered first
    void *keys[max_keys] = {};
    Thread *next_free = nullptr; // on the free list or the list of detached threads that ended
    Thread *next_made = nullptr; // every thread made, for exit
};

// The initial thread's record: its objects are the root task's own; its notification is made
// when it first waits.
Thread initial_thread;
thread_local Thread *current = nullptr; // nullptr on the initial thread

Thread &self() noexcept { return current != nullptr ? *current : initial_thread; }

// A lock for the runtime's short critical sections (no system calls inside). A waiter spins
// on the word, without entering the kernel (whose lock every core's system calls take), and
// yields only now and then, for a holder preempted on its own core.
class SpinLock {
public:
    void lock() noexcept {
        constexpr int spins_per_yield = 256;
        while (__atomic_exchange_n(&held_, 1, __ATOMIC_ACQUIRE) != 0)
            for (int spin = 0; __atomic_load_n(&held_, __ATOMIC_RELAXED) != 0; ++spin) {
                if (spin == spins_per_yield) {
                    sel4::sys::yield();
                    spin = 0;
                }
                arch::relax();
            }
    }
    void unlock() noexcept { __atomic_store_n(&held_, 0, __ATOMIC_RELEASE); }

private:
    std::uint32_t held_ = 0; // a word: riscv64 has no sub-word atomic exchange
};

SpinLock queue_lock;   // the futex queue
Thread *waiters = nullptr;
SpinLock threads_lock; // the free list, the ended detached threads, the keys
Thread *free_threads = nullptr;
Thread *ended_detached = nullptr;
Thread *made_threads = nullptr;
unsigned next_core = 1;
void (*key_destructors[max_keys])(void *) = {};
bool key_used[max_keys] = {};

sel4::cap::Tcb tcb_of(const Thread &thread) { return sel4::cap::Tcb(thread.tcb != 0 ? thread.tcb : sel4::gen::CapInitThreadTCB); }

// A notification and its badged copy, for `thread`.
bool make_notification(Thread &thread) noexcept {
    auto &allocator = sel4_runtime::allocator();
    const auto notification = allocator.allocate(sel4::ObjectBlueprint::notification());
    const auto badged = allocator.allocate_slot();
    if (!notification || !badged)
        return false;
    const sel4::cap::CNode root = sel4::init::cnode;
    if (!root.mint(sel4::RelativeCPtr(*badged), root.absolute(sel4::RelativeCPtr(*notification)), sel4::CapRights::all(),
                   sel4::Badge(1)))
        return false;
    thread.badged_notification = *badged;
    thread.notification = *notification;
    return true;
}

void remove_waiter(Thread &thread) noexcept {
    for (Thread **link = &waiters; *link != nullptr; link = &(*link)->next_waiter)
        if (*link == &thread) {
            *link = thread.next_waiter;
            break;
        }
    thread.waiting_on = nullptr;
}

// Stops an ended thread for good (it may still be on its last instructions) and keeps its
// record for the next thread. Under threads_lock.
void recycle(Thread &thread) noexcept {
    while (__atomic_load_n(&thread.left, __ATOMIC_ACQUIRE) == 0) // still waking its joiner
        sel4::sys::yield();
    (void)tcb_of(thread).suspend();
    thread.next_free = free_threads;
    free_threads = &thread;
}

// The calling thread's thread_local destructors, last registered first.
void run_destructors(Thread &thread) noexcept {
    while (Destructor *d = thread.destructors) {
        thread.destructors = d->next;
        d->function(d->object);
        std::free(d);
    }
}

[[noreturn]] void finish(Thread &thread) noexcept {
    // thread_local destructors, then thread-specific data (as glibc does), repeated while
    // destructors set new values (up to PTHREAD_DESTRUCTOR_ITERATIONS, 4).
    run_destructors(thread);
    for (int round = 0; round < 4; ++round) {
        bool any = false;
        for (std::size_t key = 0; key < max_keys; ++key)
            if (void *value = thread.keys[key]; value != nullptr && key_destructors[key] != nullptr) {
                thread.keys[key] = nullptr;
                key_destructors[key](value);
                any = true;
            }
        if (!any)
            break;
    }
    threads_lock.lock();
    if (thread.detached) {
        thread.next_free = ended_detached;
        ended_detached = &thread;
    }
    __atomic_store_n(&thread.finished, 1, __ATOMIC_RELEASE);
    threads_lock.unlock();
    futex_wake(&thread.finished, INT_MAX);
    __atomic_store_n(&thread.left, 1, __ATOMIC_RELEASE);
    for (;;)
        (void)tcb_of(thread).suspend();
}

[[noreturn]] void thread_main(Thread *thread) noexcept {
    current = thread;
    sel4::set_ipc_buffer(*thread->ipc_buffer);
    thread->result = thread->start(thread->argument);
    finish(*thread);
}

// A new thread record with its objects and pages, for a stack of `stack_size` bytes.
Thread *make_thread(std::size_t stack_size) noexcept {
    auto &allocator = sel4_runtime::allocator();
    const tls::Layout tls = tls::program_layout();
    const std::size_t record = tls::align_up(sizeof(Thread), tls.align);
    const std::size_t top_part = tls::align_up(record + tls.size, page_size);
    const auto pages = allocator.map_new_pages((stack_size + top_part) / page_size, 1);
    const auto ipc_vaddr = allocator.reserve_addresses(1);
    if (!pages || !ipc_vaddr)
        return nullptr;
    const auto ipc_frame = allocator.map_new_page(*ipc_vaddr);
    const auto tcb = allocator.allocate(sel4::ObjectBlueprint::tcb());
    if (!ipc_frame || !tcb)
        return nullptr;
    auto *thread = new (reinterpret_cast<void *>(*pages + stack_size)) Thread;
    thread->tcb = *tcb;
    thread->stack_top = *pages + stack_size;
    thread->stack_size = stack_size;
    thread->tls_block = reinterpret_cast<std::byte *>(thread) + record;
    thread->ipc_buffer = reinterpret_cast<sel4::IpcBuffer *>(*ipc_vaddr);
    if (!make_notification(*thread))
        return nullptr;
    const sel4::cap::Tcb t(*tcb);
    const sel4::cap::Page frame(*ipc_frame);
#if CPP_SEL4_CONFIG_KERNEL_MCS
    const auto sc = allocator.allocate(sel4::ObjectBlueprint::sched_context(sel4::gen::MinSchedContextBits));
    if (!sc || !t.configure(sel4::init::cnode, sel4::CNodeCapData(), sel4::init::vspace, 0, *ipc_vaddr, frame) ||
        !sel4::cap::SchedControl(boot_info().sched_control().start)
             .configure_flags(sel4::cap::SchedContext(*sc), time_slice_us, time_slice_us, 0, sel4::Badge(), 0) ||
        !t.set_sched_params(sel4::init::tcb, priority, priority, sel4::cap::SchedContext(*sc), sel4::cap::Endpoint()))
        return nullptr;
#else
    if (!t.configure(sel4::cap::Endpoint(), sel4::init::cnode, sel4::CNodeCapData(), sel4::init::vspace, 0, *ipc_vaddr,
                     frame) ||
        !t.set_sched_params(sel4::init::tcb, priority, priority))
        return nullptr;
#endif
    threads_lock.lock();
    thread->next_made = made_threads;
    made_threads = thread;
    threads_lock.unlock();
    return thread;
}

// A record for a new thread: a recycled one with a stack at least as large, or a new one.
Thread *take_thread(std::size_t stack_size) noexcept {
    threads_lock.lock();
    while (Thread *ended = ended_detached) { // detached threads that ended since the last call
        ended_detached = ended->next_free;
        recycle(*ended);
    }
    Thread *found = nullptr;
    for (Thread **link = &free_threads; *link != nullptr; link = &(*link)->next_free)
        if ((*link)->stack_size >= stack_size) {
            found = *link;
            *link = found->next_free;
            break;
        }
    threads_lock.unlock();
    return found != nullptr ? found : make_thread(stack_size);
}

bool valid_priority(int value) { return value >= 0 && value <= static_cast<int>(priority); }

} // namespace

sel4::alloc::Allocator &allocator() noexcept {
    static sel4::alloc::Allocator instance(boot_info());
    return instance;
}

int futex_wait(const std::uint32_t *word, std::uint32_t expected, const std::uint64_t *deadline_ns) noexcept {
    Thread &thread = self();
    if (thread.notification == 0 && !make_notification(thread))
        fatal("no memory for the notification a thread waits on");
    queue_lock.lock();
    if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != expected) {
        queue_lock.unlock();
        return EAGAIN;
    }
    thread.waiting_on = word;
    thread.next_waiter = waiters;
    waiters = &thread;
    queue_lock.unlock();
    const sel4::cap::Notification notification(thread.notification);
    if (deadline_ns == nullptr) {
        notification.wait();
        return 0;
    }
    // The root task has no timer device: a waiter with a deadline looks, and yields, until it.
    while (notification.poll() == sel4::Badge()) {
        if (steady_now_ns() >= *deadline_ns) {
            queue_lock.lock();
            const bool still_waiting = thread.waiting_on != nullptr;
            if (still_waiting)
                remove_waiter(thread);
            queue_lock.unlock();
            if (still_waiting)
                return ETIMEDOUT;
            notification.wait(); // woken meanwhile: take the signal that is on its way
            return 0;
        }
        sel4::sys::yield();
    }
    return 0;
}

int futex_wake(const std::uint32_t *word, int count) noexcept {
    int woken = 0;
    Thread *to_signal = nullptr; // the dequeued waiters, linked through next_waiter
    queue_lock.lock();
    for (Thread **link = &waiters; *link != nullptr && woken < count;) {
        Thread &waiter = **link;
        if (waiter.waiting_on != word) {
            link = &waiter.next_waiter;
            continue;
        }
        *link = waiter.next_waiter;
        waiter.waiting_on = nullptr;
        waiter.next_waiter = to_signal;
        to_signal = &waiter;
        ++woken;
    }
    queue_lock.unlock();
    // Signalled outside the lock, which every waiting and waking thread takes: a dequeued
    // waiter stays blocked (or, after its deadline, waits) for exactly this signal.
    while (to_signal != nullptr) {
        Thread &waiter = *to_signal;
        to_signal = waiter.next_waiter;
        sel4::cap::Notification(waiter.badged_notification).signal();
    }
    return woken;
}

std::uintptr_t current_thread_id() noexcept { return reinterpret_cast<std::uintptr_t>(&self()); }

void run_thread_destructors() noexcept { run_destructors(self()); }

void stop_other_threads() noexcept {
    Thread &me = self();
    threads_lock.lock(); // held for good: no thread is made or recycled from now on
    for (Thread *thread = made_threads; thread != nullptr; thread = thread->next_made)
        if (thread != &me)
            (void)tcb_of(*thread).suspend();
    if (&me != &initial_thread)
        (void)tcb_of(initial_thread).suspend();
}

} // namespace sel4_runtime

using sel4_runtime::Thread;

// pthread_attr_t: the stack size and the detach state are honoured.
struct ThreadAttributes {
    std::size_t stack_size;
    int detached;
};
namespace {

static_assert(sizeof(ThreadAttributes) <= sizeof(pthread_attr_t));
ThreadAttributes &attributes(pthread_attr_t *attr) { return *reinterpret_cast<ThreadAttributes *>(attr); }
const ThreadAttributes &attributes(const pthread_attr_t *attr) {
    return *reinterpret_cast<const ThreadAttributes *>(attr);
}
Thread *thread_of(pthread_t thread) { return reinterpret_cast<Thread *>(thread); }

} // namespace

extern "C" {

int pthread_attr_init(pthread_attr_t *attr) noexcept {
    attributes(attr) = ThreadAttributes{CPP_SEL4_THREAD_STACK_SIZE, PTHREAD_CREATE_JOINABLE};
    return 0;
}
int pthread_attr_destroy(pthread_attr_t *) noexcept { return 0; }
int pthread_attr_setstacksize(pthread_attr_t *attr, std::size_t size) noexcept {
    if (size < sel4_runtime::min_stack_size)
        return EINVAL;
    attributes(attr).stack_size = size;
    return 0;
}
int pthread_attr_getstacksize(const pthread_attr_t *attr, std::size_t *size) noexcept {
    *size = attributes(attr).stack_size;
    return 0;
}
int pthread_attr_setdetachstate(pthread_attr_t *attr, int state) noexcept {
    if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
        return EINVAL;
    attributes(attr).detached = state;
    return 0;
}

#if defined(__riscv) && CPP_SEL4_CONFIG_MAX_NUM_NODES > 1
namespace {
// seL4 16.0.0 on riscv64 SMP loses some of the IPIs that tell a core to reschedule after
// another core woke one of its threads (the IPI finds no request and the kernel reports
// "Spurious interrupt!"; see ipi_send_target and ackInterrupt in its src/arch/riscv). An idle
// core then never runs the woken thread. A thread at priority 0 that yields, one on every
// core, keeps each core choosing its next thread, so a woken thread runs at once.
void *keep_choosing(void *) {
    for (;;)
        sel4::sys::yield();
}

void start_schedulers() noexcept {
    const unsigned nodes = static_cast<unsigned>(sel4_runtime::boot_info().num_nodes());
    for (unsigned core = 0; core < nodes; ++core) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, sel4_runtime::min_stack_size);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_t thread;
        if (pthread_create(&thread, &attr, keep_choosing, nullptr) != 0)
            sel4_runtime::fatal("could not start the riscv64 rescheduling threads");
        cpu_set_t cores;
        CPU_ZERO(&cores);
        CPU_SET(core, &cores);
        sched_param lowest{};
        lowest.sched_priority = 0;
        if (pthread_setaffinity_np(thread, sizeof cores, &cores) != 0 ||
            pthread_setschedparam(thread, SCHED_OTHER, &lowest) != 0)
            sel4_runtime::fatal("could not place the riscv64 rescheduling threads");
    }
}
} // namespace
#endif

int pthread_create(pthread_t *out, const pthread_attr_t *attr, void *(*start)(void *), void *argument) noexcept {
    using namespace sel4_runtime;
#if defined(__riscv) && CPP_SEL4_CONFIG_MAX_NUM_NODES > 1
    static bool schedulers_started = false; // only the creating thread runs until they are
    if (!schedulers_started) {
        schedulers_started = true;
        start_schedulers();
    }
#endif
    const std::size_t stack_size =
        tls::align_up(attr != nullptr ? attributes(attr).stack_size : CPP_SEL4_THREAD_STACK_SIZE, page_size);
    set_multi_threaded();
    Thread *thread = take_thread(stack_size);
    if (thread == nullptr)
        return EAGAIN;
    thread->start = start;
    thread->argument = argument;
    thread->result = nullptr;
    thread->finished = 0;
    thread->left = 0;
    thread->detached = attr != nullptr && attributes(attr).detached == PTHREAD_CREATE_DETACHED;
    for (void *&value : thread->keys)
        value = nullptr;
    const std::uintptr_t tp = tls::initialise(thread->tls_block);
    const unsigned nodes = static_cast<unsigned>(boot_info().num_nodes());
    threads_lock.lock();
    thread->core = next_core++ % nodes;
    threads_lock.unlock();
    const sel4::cap::Tcb tcb(thread->tcb);
#if CPP_SEL4_CONFIG_MAX_NUM_NODES > 1 && !CPP_SEL4_CONFIG_KERNEL_MCS
    if (!tcb.set_affinity(thread->core))
        return EAGAIN;
#endif
    sel4::gen::UserContext regs{};
    arch::set_entry(regs, reinterpret_cast<sel4::Word>(&thread_main), thread->stack_top,
                    reinterpret_cast<sel4::Word>(thread));
    tls::arch::set_thread_pointer(regs, tp);
    *out = reinterpret_cast<pthread_t>(thread);
    if (!tcb.write_registers(true, 0, sizeof regs / sizeof(sel4::Word), regs))
        return EAGAIN;
    return 0;
}

int pthread_join(pthread_t handle, void **result) noexcept {
    Thread *thread = thread_of(handle);
    if (thread == &sel4_runtime::self())
        return EDEADLK;
    while (__atomic_load_n(&thread->finished, __ATOMIC_ACQUIRE) == 0)
        sel4_runtime::futex_wait(&thread->finished, 0, nullptr);
    if (result != nullptr)
        *result = thread->result;
    sel4_runtime::threads_lock.lock();
    sel4_runtime::recycle(*thread);
    sel4_runtime::threads_lock.unlock();
    return 0;
}

int pthread_detach(pthread_t handle) noexcept {
    Thread *thread = thread_of(handle);
    sel4_runtime::threads_lock.lock();
    if (__atomic_load_n(&thread->finished, __ATOMIC_ACQUIRE) != 0)
        sel4_runtime::recycle(*thread);
    else
        thread->detached = true;
    sel4_runtime::threads_lock.unlock();
    return 0;
}

pthread_t pthread_self() noexcept { return reinterpret_cast<pthread_t>(&sel4_runtime::self()); }
int pthread_equal(pthread_t a, pthread_t b) noexcept { return a == b; }

[[noreturn]] void pthread_exit(void *result) noexcept {
    Thread &thread = sel4_runtime::self();
    if (&thread == &sel4_runtime::initial_thread)
        sel4_runtime::fatal("pthread_exit on the initial thread");
    thread.result = result;
    sel4_runtime::finish(thread);
}

// Scheduling: priorities are seL4's (0 to 255); the policy is ignored (seL4 has one).
int pthread_setschedparam(pthread_t handle, int, const sched_param *param) noexcept {
    if (!sel4_runtime::valid_priority(param->sched_priority))
        return EINVAL;
    return sel4_runtime::tcb_of(*thread_of(handle))
                   .set_priority(sel4::init::tcb, static_cast<sel4::Word>(param->sched_priority))
               ? 0
               : EPERM;
}
int pthread_setschedprio(pthread_t handle, int value) noexcept {
    sched_param param{};
    param.sched_priority = value;
    return pthread_setschedparam(handle, 0, &param);
}

// Affinity: the lowest core in the set (seL4 runs a thread on one core).
int pthread_setaffinity_np(pthread_t handle, std::size_t set_size, const cpu_set_t *set) noexcept {
    Thread *thread = thread_of(handle);
    const unsigned nodes = static_cast<unsigned>(sel4_runtime::boot_info().num_nodes());
    for (unsigned core = 0; core < nodes; ++core)
        if (CPU_ISSET_S(core, set_size, set)) {
#if CPP_SEL4_CONFIG_MAX_NUM_NODES > 1 && !CPP_SEL4_CONFIG_KERNEL_MCS
            if (!sel4_runtime::tcb_of(*thread).set_affinity(core))
                return EINVAL;
#endif
            thread->core = core;
            return 0;
        }
    return EINVAL;
}

int sched_getcpu() noexcept { return static_cast<int>(sel4_runtime::self().core); }
int sched_yield() noexcept {
    sel4::sys::yield();
    return 0;
}
int get_nprocs() noexcept { return static_cast<int>(sel4_runtime::boot_info().num_nodes()); }
int get_nprocs_conf() noexcept { return get_nprocs(); }

// Thread-specific data.
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *)) noexcept {
    using namespace sel4_runtime;
    threads_lock.lock();
    for (unsigned k = 0; k < max_keys; ++k)
        if (!key_used[k]) {
            key_used[k] = true;
            key_destructors[k] = destructor;
            threads_lock.unlock();
            *key = k;
            return 0;
        }
    threads_lock.unlock();
    return EAGAIN;
}
int pthread_key_delete(pthread_key_t key) noexcept {
    if (key >= sel4_runtime::max_keys)
        return EINVAL;
    sel4_runtime::threads_lock.lock();
    sel4_runtime::key_used[key] = false;
    sel4_runtime::key_destructors[key] = nullptr;
    sel4_runtime::threads_lock.unlock();
    return 0;
}
void *pthread_getspecific(pthread_key_t key) noexcept {
    return key < sel4_runtime::max_keys ? sel4_runtime::self().keys[key] : nullptr;
}
int pthread_setspecific(pthread_key_t key, const void *value) noexcept {
    if (key >= sel4_runtime::max_keys)
        return EINVAL;
    sel4_runtime::self().keys[key] = const_cast<void *>(value);
    return 0;
}

// thread_local objects with destructors register them here (libsupc++'s __cxa_thread_atexit).
int __cxa_thread_atexit_impl(void (*destructor)(void *), void *object, void *) noexcept {
    auto *entry = static_cast<sel4_runtime::Destructor *>(std::malloc(sizeof(sel4_runtime::Destructor)));
    if (entry == nullptr)
        return -1;
    Thread &thread = sel4_runtime::self();
    *entry = {destructor, object, thread.destructors};
    thread.destructors = entry;
    return 0;
}

// libstdc++'s atomic waits (std::atomic::wait, semaphores, latches, barriers) call the Linux
// futex system call; the other system calls do not exist here.
long syscall(long number, ...) noexcept {
#if defined(__x86_64__)
    constexpr long futex_number = 202;
#else
    constexpr long futex_number = 98; // aarch64 and riscv64 (the generic table)
#endif
    if (number != futex_number) {
        errno = ENOSYS;
        return -1;
    }
    __builtin_va_list args;
    __builtin_va_start(args, number);
    const auto *word = __builtin_va_arg(args, const std::uint32_t *);
    const int op = __builtin_va_arg(args, int);
    const auto value = static_cast<std::uint32_t>(__builtin_va_arg(args, int));
    const auto *timeout = __builtin_va_arg(args, const timespec *);
    __builtin_va_end(args);
    enum { wait = 0, wake = 1, wait_bitset = 9, wake_bitset = 10, private_flag = 128, realtime_flag = 256 };
    std::uint64_t deadline = 0;
    const std::uint64_t *until = nullptr;
    switch (op & ~(private_flag | realtime_flag)) {
    case wait:
    case wait_bitset:
        if (timeout != nullptr) {
            if ((op & ~(private_flag | realtime_flag)) == wait) { // relative
                deadline = sel4_runtime::steady_now_ns() + static_cast<std::uint64_t>(timeout->tv_sec) * 1000000000u +
                           static_cast<std::uint64_t>(timeout->tv_nsec);
            } else if (!sel4_runtime::steady_deadline((op & realtime_flag) != 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC,
                                                      *timeout, deadline)) {
                errno = EINVAL;
                return -1;
            }
            until = &deadline;
        }
        if (const int error = sel4_runtime::futex_wait(word, value, until)) {
            errno = error;
            return -1;
        }
        return 0;
    case wake:
    case wake_bitset:
        return sel4_runtime::futex_wake(word, static_cast<int>(value));
    default:
        errno = ENOSYS;
        return -1;
    }
}

} // extern "C"
