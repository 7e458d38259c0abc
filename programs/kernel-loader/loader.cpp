// The cpp-sel4 kernel loader: copies the kernel, the root task and the device
// tree from the payload that sel4-image attached, installs the boot page
// tables computed on the host, and enters the kernel.
#include "arch.hpp"
#include "stack.h"

#include <cstddef>
#include <cstdint>

extern "C" const std::uint8_t __payload_start[];

// The stack that arch/<arch>/start.S switches to.
extern "C" {
alignas(16) unsigned char loader_stack[LOADER_STACK_SIZE];
}

namespace kernel_loader {

namespace {

void print(const char *s) {
    while (*s) arch::put_char(*s++);
}

void print_hex(std::uint64_t v) {
    print("0x");
    bool digits = false;
    for (int shift = 60; shift >= 0; shift -= 4) {
        unsigned d = (v >> shift) & 0xf;
        if (d || digits || shift == 0) {
            arch::put_char("0123456789abcdef"[d]);
            digits = true;
        }
    }
}

// Word-sized where alignment allows: the loader runs with caches off.
void copy(std::uint8_t *to, const std::uint8_t *from, std::uint64_t size) {
    std::uint64_t i = 0;
    if ((reinterpret_cast<std::uintptr_t>(to) | reinterpret_cast<std::uintptr_t>(from)) % 8 == 0)
        for (; i + 8 <= size; i += 8) *reinterpret_cast<std::uint64_t *>(to + i) = *reinterpret_cast<const std::uint64_t *>(from + i);
    for (; i < size; ++i) to[i] = from[i];
}

void zero(std::uint8_t *to, std::uint64_t size) {
    std::uint64_t i = 0;
    for (; i < size && reinterpret_cast<std::uintptr_t>(to + i) % 8 != 0; ++i) to[i] = 0;
    for (; i + 8 <= size; i += 8) *reinterpret_cast<std::uint64_t *>(to + i) = 0;
    for (; i < size; ++i) to[i] = 0;
}

[[noreturn]] void fail(const char *reason) {
    print("kernel-loader: error: ");
    print(reason);
    print("\n");
    for (;;) asm volatile("" ::: "memory");
}

}  // namespace

}  // namespace kernel_loader

using namespace kernel_loader;

extern "C" [[noreturn]] void loader_main() {
    print("kernel-loader: cpp-sel4 kernel loader\n");
    const auto &header = *reinterpret_cast<const Header *>(__payload_start);
    if (header.magic != payload_magic) fail("no payload: attach a kernel and root task with sel4-image");
    if (header.version != payload_version) fail("payload version does not match this loader");
    if (const char *reason = arch::check_mode(header)) fail(reason);
    if (header.num_nodes != 1) fail("multi-node kernels are not supported by this loader yet");

    const auto *regions = reinterpret_cast<const Region *>(__payload_start + sizeof(Header));
    for (std::uint32_t i = 0; i < header.region_count; ++i) {
        const Region &r = regions[i];
        auto *destination = reinterpret_cast<std::uint8_t *>(r.destination);
        const std::uint8_t *source = __payload_start + r.data_offset;
        copy(destination, source, r.data_size);
        zero(destination + r.data_size, r.memory_size - r.data_size);
        print("kernel-loader: [");
        print_hex(r.destination);
        print(", ");
        print_hex(r.destination + r.memory_size);
        print(")\n");
    }
    const KernelArguments &a = header.kernel_arguments;
    print("kernel-loader: root task image [");
    print_hex(a.user_image_start);
    print(", ");
    print_hex(a.user_image_end);
    print("), device tree at ");
    print_hex(a.dtb_start);
    print("\nkernel-loader: entering the kernel at ");
    print_hex(header.kernel_entry);
    print("\n");
    arch::enter_kernel(header, 0);
}
