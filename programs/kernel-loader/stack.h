/* The loader's stacks, defined in loader.cpp; shared with the arch entry
 * stubs, so plain C preprocessor only. The boot core runs on loader_stack;
 * secondary core n (1 <= n < LOADER_MAX_NODES) on the n-th of
 * loader_secondary_stacks, from loader_secondary_entry to the kernel. */
#define LOADER_STACK_SIZE 16384
#define LOADER_MAX_NODES 8
#define LOADER_SECONDARY_STACK_SIZE 1024 /* the way to the kernel takes a few dozen bytes */
