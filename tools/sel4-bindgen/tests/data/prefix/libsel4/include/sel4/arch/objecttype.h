#pragma once

typedef enum _object {
    seL4_ARM_SmallPageObject = seL4_NonArchObjectTypeCount,
    seL4_ObjectTypeCount
} seL4_ArchObjectType;

#ifndef CONFIG_KERNEL_MCS
#define seL4_ARM_VCPUObject 0xfffe
#endif
