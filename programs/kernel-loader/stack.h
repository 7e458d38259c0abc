/* The loader's stack, defined in loader.cpp; shared with the arch entry
 * stubs, so plain C preprocessor only. */
#define LOADER_STACK_SIZE 16384
