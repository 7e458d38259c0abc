#include "multiboot.hpp"

#include <algorithm>
#include <cstring>

namespace image_tool {

namespace {

// The multiboot (version 1) header: magic, flags and a checksum that makes their sum zero,
// 4-byte aligned within the first 8 KiB of the file, where loaders look for it.
constexpr std::uint32_t multiboot_magic = 0x1badb002;
constexpr std::size_t multiboot_search_limit = 8192;

bool has_multiboot_header(const std::vector<std::uint8_t> &file) {
    for (std::size_t at = 0; at + 12 <= std::min(file.size(), multiboot_search_limit); at += 4) {
        std::uint32_t words[3];
        std::memcpy(words, file.data() + at, sizeof words);
        if (words[0] == multiboot_magic && words[0] + words[1] + words[2] == 0) return true;
    }
    return false;
}

}  // namespace

MultibootImage multiboot_image(const MultibootInputs &in) {
    if (in.config.sel4_arch != "x86_64")
        throw LayoutError(in.kernel.name + ": the kernel is configured for " + in.config.sel4_arch +
                          ", which boots through the kernel loader, not by multiboot");
    check_machines(in.config, {&in.kernel, &in.root_task});

    // seL4 loads the root task's image itself (load_boot_module) and refuses one that does
    // not start on a page.
    const Range virtual_range = extent(in.root_task, false);
    if (virtual_range.start % page != 0)
        throw LayoutError(in.root_task.name + ": its image starts at " + hex(virtual_range.start) +
                          ", not on a page, which seL4 refuses to load");
    MultibootImage image;
    image.root_cnode = check_root_cnode(in.config, in.root_task.name, user_image(in.root_task), 0);

    // The loader puts each segment at its physical address and enters the kernel at its
    // (physical) entry point; the 64-bit virtual addresses, which no 32-bit file can hold,
    // are replaced by the physical ones.
    elf::File kernel = in.kernel;
    kernel.machine = elf::machine_i386;
    kernel.symbols.clear();
    for (elf::Segment &s : kernel.segments) s.virtual_address = s.physical_address;
    image.kernel = elf::serialize(kernel, elf::Class::elf32);
    if (!has_multiboot_header(image.kernel))
        throw LayoutError(in.kernel.name + ": no multiboot header (magic " + hex(multiboot_magic) +
                          " and its checksum) in the first 8 KiB of the kernel as a 32-bit ELF file");
    return image;
}

}  // namespace image_tool
