// The names under which the runtime exports C functions: the C names on the target; the
// host unit tests build them with CPP_SEL4_C_PREFIX in front, so that they can be compared
// with the host C library in the same process (which keeps its own).
#pragma once

#ifdef CPP_SEL4_C_PREFIX
#define CPP_SEL4_GLUE(a, b) a##b
#define CPP_SEL4_EXPAND_GLUE(a, b) CPP_SEL4_GLUE(a, b)
#define CPP_SEL4_C_NAME(name) CPP_SEL4_EXPAND_GLUE(CPP_SEL4_C_PREFIX, name)
#else
#define CPP_SEL4_C_NAME(name) name
#endif
