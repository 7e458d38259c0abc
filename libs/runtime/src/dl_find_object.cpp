// _dl_find_object, which libgcc's unwinder calls to find the unwind tables (the
// .eh_frame_hdr) of the object holding a pc. A static seL4 program is one object: the
// answer comes from its own PT_GNU_EH_FRAME segment.
#include <sel4/runtime/program.hpp>

#include "c_name.hpp"

#include <cstdint>

// glibc's struct dl_find_object (dlfcn.h, glibc 2.35 and later), which libgcc was built against.
// (The host unit test, which includes dlfcn.h, uses glibc's own definition.)
#ifndef CPP_SEL4_C_PREFIX
struct dl_find_object {
    unsigned long long dlfo_flags;
    void *dlfo_map_start;
    void *dlfo_map_end;
    struct link_map *dlfo_link_map;
    void *dlfo_eh_frame;
    unsigned long long dlfo_reserved[7];
};
#else
#include <dlfcn.h>
#endif

extern "C" int CPP_SEL4_C_NAME(_dl_find_object)(void *pc, dl_find_object *result) {
    const sel4_runtime::ProgramImage &image = sel4_runtime::program_image();
    const auto address = reinterpret_cast<std::uintptr_t>(pc);
    if (!image.eh_frame_hdr.present || address < image.start || address >= image.end)
        return -1;
    *result = {};
    result->dlfo_map_start = reinterpret_cast<void *>(image.start);
    result->dlfo_map_end = reinterpret_cast<void *>(image.end);
    result->dlfo_eh_frame = reinterpret_cast<void *>(image.eh_frame_hdr.vaddr);
    return 0;
}
