/// @file
/// sel4::sync: mutexes, semaphores, condition variables and once for threads in one address
/// space, blocking on seL4 notifications instead of spinning.
///
/// - sel4/sync/thread.hpp: Mutex, Semaphore, ConditionVariable, OnceFlag and call_once for
///   the runtime's threads (std::thread), the same algorithms as std::mutex's here;
/// - sel4/sync/notification.hpp: NotificationMutex and NotificationSemaphore, one seL4
///   notification each, for threads without the runtime's thread library;
/// - sel4/sync/parker.hpp, lock_word.hpp, condition.hpp, once.hpp, semaphore.hpp,
///   notification_mutex.hpp: the algorithms, templates over how a thread waits.
#pragma once

#include <sel4/sync/notification.hpp>
#include <sel4/sync/thread.hpp>
