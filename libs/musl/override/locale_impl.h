/* cpp-sel4: musl's locale_impl.h, with the one locale seL4 programs have. musl finds the
 * calling thread's locale in its own thread structure (__pthread_self()->locale), which a
 * program on seL4 does not have: here the current locale is always musl's C locale, which
 * is not UTF-8, so MB_CUR_MAX is 1. (The glibc-layout locale objects that libstdc++ sees are
 * libs/runtime/src/locale.cpp's; musl's functions ignore their locale arguments, except
 * through nl_langinfo_l, which is the runtime's.) */
#include_next "locale_impl.h"

#undef CURRENT_LOCALE
#define CURRENT_LOCALE C_LOCALE
#undef CURRENT_UTF8
#define CURRENT_UTF8 0
