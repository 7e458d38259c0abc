/* A C PD that defines every entry point (the compile test, CMakeLists.txt). */
#include <microkit.h>

#include "use_api.h"

static seL4_Word counter;

void init(void)
{
    microkit_dbg_puts("pd.c: init\n");
}

void notified(microkit_channel ch)
{
    counter += use_every_api(ch);
}

microkit_msginfo MICROKIT_PROTECTED(microkit_channel ch, microkit_msginfo msginfo)
{
    microkit_mr_set(0, ch + microkit_msginfo_get_count(msginfo));
    return microkit_msginfo_new(0, 1);
}

/* The C name is usable directly too. */
static microkit_msginfo (*const protected_entry)(microkit_channel, microkit_msginfo) = protected;

seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    counter += child + microkit_msginfo_get_label(msginfo) + (seL4_Word)protected_entry;
    *reply_msginfo = microkit_msginfo_new(0, 0);
    return seL4_True;
}
