// The runtime's pthread objects against glibc's, whose headers libstdc++ was compiled with:
// no larger, and the fields glibc's static initialisers set where the runtime reads them.
#include <pthread.h>

#include <cstddef>

#include "pthread_types.hpp"

static_assert(sizeof(sel4_runtime::PthreadMutex) <= sizeof(pthread_mutex_t));
static_assert(offsetof(sel4_runtime::PthreadMutex, state) == offsetof(pthread_mutex_t, __data.__lock));
static_assert(offsetof(sel4_runtime::PthreadMutex, kind) == offsetof(pthread_mutex_t, __data.__kind));
static_assert(sizeof(sel4_runtime::PthreadMutexAttr) <= sizeof(pthread_mutexattr_t));
static_assert(sizeof(sel4_runtime::PthreadCond) <= sizeof(pthread_cond_t));
static_assert(sizeof(sel4_runtime::PthreadCondAttr) <= sizeof(pthread_condattr_t));
static_assert(sizeof(sel4_runtime::PthreadRwlock) <= sizeof(pthread_rwlock_t));
static_assert(sizeof(sel4_runtime::PthreadOnce) == sizeof(pthread_once_t));
static_assert(int{PTHREAD_MUTEX_RECURSIVE} == int{sel4_runtime::mutex_recursive} &&
              int{PTHREAD_MUTEX_ERRORCHECK} == int{sel4_runtime::mutex_errorcheck});
