// A host program for sel4-embed-symbols' tests: the section as runtime-symbols reserves
// it (SECTION_SIZE bytes), and functions of known names.
#include <cstddef>

#ifndef SECTION_SIZE
#define SECTION_SIZE 4096
#endif

[[gnu::section(".cpp_sel4_symbols"), gnu::used]] const unsigned char symbol_table[SECTION_SIZE] = {};

namespace sample {

[[gnu::noinline]] int twice(int value) {
    asm volatile("" : "+r"(value));
    return value * 2;
}

}  // namespace sample

int main(int argc, char **) { return sample::twice(argc) == 0 ? 1 : 0; }
