// The running program's own ELF (64-bit) program headers, found through the linker-defined
// __ehdr_start (the ELF header is loaded with the first segment of a static program).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sel4_runtime {

struct Segment {
    std::uintptr_t vaddr = 0;
    std::size_t file_size = 0;
    std::size_t memory_size = 0;
    std::size_t align = 0;
    bool present = false;
};

struct ProgramImage {
    std::uintptr_t start = 0; // the lowest loaded address
    std::uintptr_t end = 0;   // one past the highest
    Segment tls;              // PT_TLS
    Segment eh_frame_hdr;     // PT_GNU_EH_FRAME
};

// Reads the headers once; the result is cached.
const ProgramImage &program_image() noexcept;

} // namespace sel4_runtime
