/// @file
/// The running program's own ELF (64-bit) program headers, found through the linker-defined
/// `__ehdr_start` (the ELF header is loaded with the first segment of a static program).
#pragma once

#include <cstddef>
#include <cstdint>

namespace sel4_runtime {

/// One segment of the program, from its program header.
struct Segment {
    std::uintptr_t vaddr = 0;    ///< Its address.
    std::size_t file_size = 0;   ///< The bytes the ELF file holds (the initialised part).
    std::size_t memory_size = 0; ///< Its size in memory, at least file_size.
    std::size_t align = 0;       ///< Its alignment.
    bool present = false;        ///< Whether the program has the segment at all.
};

/// What the runtime needs of the program's ELF image.
struct ProgramImage {
    std::uintptr_t start = 0; ///< The lowest loaded address.
    std::uintptr_t end = 0;   ///< One past the highest loaded address.
    Segment tls;              ///< PT_TLS: the initial image of the thread-local storage.
    Segment eh_frame_hdr;     ///< PT_GNU_EH_FRAME: the unwinder's index of the frames.
};

/// The program's image; the headers are read on the first call.
const ProgramImage &program_image() noexcept;

} // namespace sel4_runtime
