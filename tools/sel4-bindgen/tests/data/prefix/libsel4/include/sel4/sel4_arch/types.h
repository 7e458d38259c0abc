#pragma once

typedef struct seL4_UserContext_ {
    seL4_Word pc, sp;
    seL4_Word x0;
} seL4_UserContext;
