// A C++ PD that defines every entry point (the compile test, CMakeLists.txt); `protected` is
// defined under its C++ name, microkit_protected, which keeps the symbol `protected`.
#include <microkit.h>

#include "use_api.h"

namespace {

// A constructor run from .init_array by libmicrokit's main(), before init().
struct Counter {
    seL4_Word value;
    Counter() : value(microkit_cspace_root_slot_to_cptr(2)) {}
};
Counter counter;

} // namespace

extern "C" void init()
{
    microkit_dbg_puts("pd.cpp: init\n");
}

extern "C" void notified(microkit_channel ch)
{
    counter.value += use_every_api(ch);
}

extern "C" microkit_msginfo MICROKIT_PROTECTED(microkit_channel ch, microkit_msginfo msginfo)
{
    microkit_mr_set(0, ch + microkit_msginfo_get_count(msginfo));
    return microkit_msginfo_new(0, 1);
}

extern "C" seL4_Bool fault(microkit_child child, microkit_msginfo msginfo, microkit_msginfo *reply_msginfo)
{
    counter.value += child + microkit_msginfo_get_label(msginfo);
    *reply_msginfo = microkit_msginfo_new(0, 0);
    return seL4_True;
}
