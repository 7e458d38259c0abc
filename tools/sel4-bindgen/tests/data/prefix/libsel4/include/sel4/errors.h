#pragma once

typedef enum {
    seL4_NoError = 0,
    seL4_InvalidArgument,
    seL4_NumErrors
} seL4_Error;
