// The default region of the global heap: a .bss array of CPP_SEL4_HEAP_SIZE bytes. It is weak
// and alone in its file, so a program's own heap_region() (or SEL4_RUNTIME_HEAP_SIZE) replaces
// it and leaves the array out of the link.
#include <sel4/runtime/heap.hpp>

#ifndef CPP_SEL4_HEAP_SIZE
#error "CPP_SEL4_HEAP_SIZE (the default heap size in bytes) is set by libs/runtime/CMakeLists.txt"
#endif

[[gnu::weak]] std::span<std::byte> sel4_runtime::heap_region() noexcept {
    alignas(Tlsf::alignment) static std::byte memory[CPP_SEL4_HEAP_SIZE];
    return memory;
}
