// The allocation functions of a program built without a heap (sel4-root-task-minimal):
// every allocation fails. The unwinder's frame-registration code refers to malloc and free
// even where, as here, _dl_find_object answers and they are never called.
#include <sel4/runtime/abort.hpp>

#include <cstddef>

extern "C" void *malloc(std::size_t) { return nullptr; }
extern "C" void *calloc(std::size_t, std::size_t) { return nullptr; }
extern "C" void *realloc(void *, std::size_t) { return nullptr; }

extern "C" void free(void *pointer) {
    if (pointer != nullptr)
        sel4_runtime::fatal("free() of a pointer in a program without a heap");
}
