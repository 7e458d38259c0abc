/* The server of bench/microkit.sh in C: answers a protected call with its one message
 * register plus one, and a notification with a notification back. server.cpp is the same
 * in C++. */
#include <microkit.h>

void init(void)
{
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    (void)ch;
    (void)msginfo;
    microkit_mr_set(0, microkit_mr_get(0) + 1);
    return microkit_msginfo_new(0, 1);
}

void notified(microkit_channel ch)
{
    microkit_notify(ch);
}
