/* The initial thread's stack, defined in test_support.cpp; shared with the
 * arch entry stubs, so plain C preprocessor only. */
#define TEST_SUPPORT_STACK_SIZE 16384
