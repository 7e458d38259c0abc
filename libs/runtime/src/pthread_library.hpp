// Declarations of the pthread functions of src/pthread_sync.cpp, with the runtime's own types
// (src/pthread_types.hpp).
#pragma once

#include "c_name.hpp"
#include "pthread_types.hpp"

extern "C" {
using sel4_runtime::PthreadCond;
using sel4_runtime::PthreadCondAttr;
using sel4_runtime::PthreadMutex;
using sel4_runtime::PthreadMutexAttr;
using sel4_runtime::PthreadOnce;
using sel4_runtime::PthreadRwlock;

int CPP_SEL4_C_NAME(pthread_mutexattr_init)(PthreadMutexAttr *attr) noexcept;
int CPP_SEL4_C_NAME(pthread_mutexattr_destroy)(PthreadMutexAttr *attr) noexcept;
int CPP_SEL4_C_NAME(pthread_mutexattr_settype)(PthreadMutexAttr *attr, int kind) noexcept;
int CPP_SEL4_C_NAME(pthread_mutexattr_gettype)(const PthreadMutexAttr *attr, int *kind) noexcept;
int CPP_SEL4_C_NAME(pthread_mutex_init)(PthreadMutex *mutex, const PthreadMutexAttr *attr) noexcept;
int CPP_SEL4_C_NAME(pthread_mutex_destroy)(PthreadMutex *mutex) noexcept;
int CPP_SEL4_C_NAME(pthread_mutex_lock)(PthreadMutex *mutex) noexcept;
int CPP_SEL4_C_NAME(pthread_mutex_trylock)(PthreadMutex *mutex) noexcept;
int CPP_SEL4_C_NAME(pthread_mutex_timedlock)(PthreadMutex *mutex, const timespec *absolute) noexcept;
int CPP_SEL4_C_NAME(pthread_mutex_clocklock)(PthreadMutex *mutex, clockid_t clock, const timespec *absolute) noexcept;
int CPP_SEL4_C_NAME(pthread_mutex_unlock)(PthreadMutex *mutex) noexcept;

int CPP_SEL4_C_NAME(pthread_condattr_init)(PthreadCondAttr *attr) noexcept;
int CPP_SEL4_C_NAME(pthread_condattr_destroy)(PthreadCondAttr *attr) noexcept;
int CPP_SEL4_C_NAME(pthread_condattr_setclock)(PthreadCondAttr *attr, clockid_t clock) noexcept;
int CPP_SEL4_C_NAME(pthread_cond_init)(PthreadCond *cond, const PthreadCondAttr *attr) noexcept;
int CPP_SEL4_C_NAME(pthread_cond_destroy)(PthreadCond *cond) noexcept;
int CPP_SEL4_C_NAME(pthread_cond_signal)(PthreadCond *cond) noexcept;
int CPP_SEL4_C_NAME(pthread_cond_broadcast)(PthreadCond *cond) noexcept;
int CPP_SEL4_C_NAME(pthread_cond_wait)(PthreadCond *cond, PthreadMutex *mutex) noexcept;
int CPP_SEL4_C_NAME(pthread_cond_timedwait)(PthreadCond *cond, PthreadMutex *mutex, const timespec *absolute) noexcept;
int CPP_SEL4_C_NAME(pthread_cond_clockwait)(PthreadCond *cond, PthreadMutex *mutex, clockid_t clock,
                                            const timespec *absolute) noexcept;

int CPP_SEL4_C_NAME(pthread_rwlock_init)(PthreadRwlock *lock, const void *attr) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_destroy)(PthreadRwlock *lock) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_rdlock)(PthreadRwlock *lock) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_tryrdlock)(PthreadRwlock *lock) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_timedrdlock)(PthreadRwlock *lock, const timespec *absolute) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_clockrdlock)(PthreadRwlock *lock, clockid_t clock, const timespec *absolute) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_wrlock)(PthreadRwlock *lock) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_trywrlock)(PthreadRwlock *lock) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_timedwrlock)(PthreadRwlock *lock, const timespec *absolute) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_clockwrlock)(PthreadRwlock *lock, clockid_t clock, const timespec *absolute) noexcept;
int CPP_SEL4_C_NAME(pthread_rwlock_unlock)(PthreadRwlock *lock) noexcept;

// Not noexcept: the initialiser may throw (std::call_once), and then it may be run again.
int CPP_SEL4_C_NAME(pthread_once)(PthreadOnce *once, void (*initialiser)());

} // extern "C"
