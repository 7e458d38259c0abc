#include <sel4/runtime/program.hpp>

#include <elf.h>

extern "C" const Elf64_Ehdr __ehdr_start;

namespace sel4_runtime {

namespace {

ProgramImage read_program_image() noexcept {
    ProgramImage image;
    const auto *base = reinterpret_cast<const std::byte *>(&__ehdr_start);
    const auto *headers = reinterpret_cast<const Elf64_Phdr *>(base + __ehdr_start.e_phoff);
    image.start = ~std::uintptr_t{0};
    for (std::size_t i = 0; i < __ehdr_start.e_phnum; ++i) {
        const Elf64_Phdr &header = headers[i];
        const Segment segment{header.p_vaddr, header.p_filesz, header.p_memsz, header.p_align, true};
        switch (header.p_type) {
        case PT_LOAD:
            if (header.p_vaddr < image.start)
                image.start = header.p_vaddr;
            if (header.p_vaddr + header.p_memsz > image.end)
                image.end = header.p_vaddr + header.p_memsz;
            break;
        case PT_TLS:
            image.tls = segment;
            break;
        case PT_GNU_EH_FRAME:
            image.eh_frame_hdr = segment;
            break;
        default:
            break;
        }
    }
    return image;
}

} // namespace

const ProgramImage &program_image() noexcept {
    // Filled on first use, before any second thread exists (the runtime's start code
    // asks first), so no guard is needed.
    static constinit ProgramImage image;
    static constinit bool read = false;
    if (!read) {
        image = read_program_image();
        read = true;
    }
    return image;
}

} // namespace sel4_runtime
