/* A peer of microkit.channels (one program for all 62, each PD named peer_<id>): a
 * notification from the hub is answered with one back; a protected call with the number in
 * the PD's name and the call's first message register echoed. */
#include <microkit.h>

#define HUB 0

static seL4_Word own_number(void)
{
    seL4_Word number = 0;
    for (const char *c = microkit_name; *c != '\0'; c++) {
        if (*c >= '0' && *c <= '9') {
            number = number * 10 + (seL4_Word)(*c - '0');
        }
    }
    return number;
}

void init(void)
{
}

void notified(microkit_channel ch)
{
    if (ch == HUB) {
        microkit_notify(HUB);
    }
}

microkit_msginfo protected(microkit_channel ch, microkit_msginfo msginfo)
{
    if (ch != HUB || microkit_msginfo_get_count(msginfo) != 1) {
        return microkit_msginfo_new(1, 0);
    }
    seL4_Word echo = microkit_mr_get(0);
    microkit_mr_set(0, own_number());
    microkit_mr_set(1, echo);
    return microkit_msginfo_new(0, 2);
}
