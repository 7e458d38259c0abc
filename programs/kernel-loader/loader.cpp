// The cpp-sel4 kernel loader: copies the kernel, the root task and the device
// tree from the payload that sel4-image attached, installs the boot page
// tables computed on the host, and enters the kernel.
#include "arch.hpp"
#include "stack.h"

#include <cstddef>
#include <cstdint>

extern "C" const std::uint8_t __payload_start[];

// The stacks that arch/<arch>/start.S switches to (stack.h).
extern "C" {
alignas(16) unsigned char loader_stack[LOADER_STACK_SIZE];
alignas(16) unsigned char loader_secondary_stacks[LOADER_MAX_NODES - 1][LOADER_SECONDARY_STACK_SIZE];
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

// The last secondary core to reach the loader's C++ code; the boot core waits
// for each one in turn.
std::uint64_t started_core;

const Header &header() { return *reinterpret_cast<const Header *>(__payload_start); }

// Starts logical cores 1 .. num_nodes - 1 on the CPUs of the payload's table
// other than the boot CPU, in table order, each entering the kernel on its
// own. seL4 numbers cores itself from what the loader passes: the boot core
// is core 0 (aarch64: TPIDR_EL1; riscv64: a7, with the hart id in a6).
void start_secondary_cores(const Header &h) {
    if (h.num_nodes > LOADER_MAX_NODES) fail("the kernel has more nodes than this loader starts (LOADER_MAX_NODES in stack.h)");
    const auto *cpus = reinterpret_cast<const std::uint64_t *>(__payload_start + sizeof(Header) + h.region_count * sizeof(Region));
    const std::uint64_t self = arch::boot_cpu_id();
    bool listed = false;
    for (std::uint32_t i = 0; i < h.cpu_count; ++i) listed = listed || cpus[i] == self;
    print("kernel-loader: core 0 is CPU ");
    print_hex(self);
    print("\n");
    if (!listed) fail("the boot CPU is not among the device tree's CPUs");

    unsigned core = 1;
    for (std::uint32_t i = 0; i < h.cpu_count && core < h.num_nodes; ++i) {
        if (cpus[i] == self) continue;
        print("kernel-loader: starting core ");
        print_hex(core);
        print(" on CPU ");
        print_hex(cpus[i]);
        print("\n");
        __atomic_store_n(&started_core, 0, __ATOMIC_SEQ_CST);
        if (const char *reason = arch::start_cpu(h, cpus[i], core)) fail(reason);
        // A core that takes the start request runs the loader within
        // microseconds; seconds mean it never will.
        const std::uint64_t deadline = arch::ticks() + 5 * arch::ticks_per_second(h);
        while (__atomic_load_n(&started_core, __ATOMIC_ACQUIRE) != core)
            if (arch::ticks() > deadline) fail("a secondary core was started but did not reach the loader within 5 s");
        ++core;
    }
    if (core < h.num_nodes) fail("the device tree lists fewer CPUs than the kernel has nodes");
}

}  // namespace

}  // namespace kernel_loader

using namespace kernel_loader;

extern "C" [[noreturn]] void loader_main() {
    print("kernel-loader: cpp-sel4 kernel loader\n");
    const Header &header = kernel_loader::header();
    if (header.magic != payload_magic) fail("no payload: attach a kernel and root task with sel4-image");
    if (header.version != payload_version) fail("payload version does not match this loader");
    if (const char *reason = arch::check_mode(header)) fail(reason);
    if (header.num_nodes < 1) fail("the payload's kernel has no nodes");

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
    print("\n");
    // Secondary cores come after the copy: the kernel wants its BSS zeroed
    // before any core enters it. Each waits in the kernel for the boot core.
    if (header.num_nodes > 1) start_secondary_cores(header);
    print("kernel-loader: entering the kernel at ");
    print_hex(header.kernel_entry);
    print("\n");
    arch::enter_kernel(header, 0, arch::boot_cpu_id());
}

// Secondary cores, from loader_secondary_entry, on their own stacks.
extern "C" [[noreturn]] void loader_secondary_main(std::uint64_t core, std::uint64_t cpu_id) {
    __atomic_store_n(&started_core, core, __ATOMIC_RELEASE);
    arch::enter_kernel(header(), static_cast<unsigned>(core), cpu_id);
}
