/// @file
/// Threads in a root task: std::thread, its mutexes, condition variables, semaphores, latches,
/// barriers and atomic waits, on seL4 TCBs and notifications (src/threads.cpp). The POSIX
/// extensions a C++ program reaches through `std::thread::native_handle()`:
///
/// ```cpp
/// sched_param p{200}; pthread_setschedparam(t.native_handle(), SCHED_OTHER, &p); // seL4 priority
/// cpu_set_t cores; CPU_ZERO(&cores); CPU_SET(1, &cores);
/// pthread_setaffinity_np(t.native_handle(), sizeof cores, &cores);              // run on core 1
/// sched_getcpu();                                                               // this thread's core
/// ```
///
/// New threads run at the root task's priority, 255, and go to the cores in turn, starting
/// with core 1; each has a stack of `CPP_SEL4_THREAD_STACK_SIZE` bytes
/// (`pthread_attr_setstacksize` sets another) under an unmapped guard page. Their objects come
/// from the root task's allocator, which owns the BootInfo's untypeds and empty slots once a
/// thread exists. Waits with a timeout, and `sleep_for`, yield until their deadline: a root
/// task has no timer device. `pthread_exit` does not unwind the thread's stack. On riscv64
/// SMP, the first thread created also starts a priority-0 thread per core that yields
/// (src/threads.cpp says why).
#pragma once

#include <sel4/alloc/allocator.hpp>

namespace sel4_runtime {

/// The root task's object allocator, made from its BootInfo on the first call (from any
/// thread). The threads take their objects from it, so a program with threads takes its own
/// objects from it too: it assumes it owns every untyped and empty slot.
sel4::alloc::Allocator &allocator() noexcept;

} // namespace sel4_runtime
