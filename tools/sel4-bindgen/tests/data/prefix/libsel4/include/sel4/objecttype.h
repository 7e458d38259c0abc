#pragma once

typedef enum api_object {
    seL4_UntypedObject,
    seL4_TCBObject,
#ifdef CONFIG_KERNEL_MCS
    seL4_SchedContextObject,
#endif
    seL4_NonArchObjectTypeCount,
} seL4_ObjectType;
