/* cpp-sel4: musl internals that the selected sources call and whose musl versions need what a
 * program on seL4 does not have. Compiled with musl's headers, like the sources. */
#include <errno.h>
#include "stdio_impl.h"
#include "time_impl.h"

/* strftime's %Z. musl's version loads the time zone database (TZ, /etc/localtime); there are
 * no time zones here, so the name is the one the struct tm carries, as glibc's strftime takes
 * it, or "" when it has none. */
const char *__tm_to_tzname(const struct tm *tm)
{
	return tm->__tm_zone ? tm->__tm_zone : "";
}

/* Called by __toread (the wcsto* scanners' pseudo-files) so that exit flushes musl's streams:
 * musl's stdio is not linked (the runtime has its own), so there is nothing to flush. */
void __stdio_exit_needed(void)
{
}

/* musl's code reads errno through ___errno_location, its hidden alias of __errno_location
 * (whose musl version is in the thread structure): errno is the runtime's, a thread-local
 * behind glibc's name, which libstdc++ uses too. */
int *___errno_location(void)
{
	return __errno_location();
}
