// aarch64 on QEMU's virt machine.
#include "../../arch.hpp"

#include <cstddef>
#include <cstdint>

extern "C" [[noreturn]] void loader_enter_el2(const kernel_loader::Header *);
extern "C" [[noreturn]] void loader_enter_el1(const kernel_loader::Header *);

namespace kernel_loader::arch {

namespace {

// The PL011 UART of QEMU's virt machine; the MMU is off, so it is reached directly.
constexpr std::uintptr_t uart_base = 0x0900'0000;
constexpr std::uintptr_t uart_data = 0x00, uart_flags = 0x18;
constexpr std::uint32_t flag_transmit_full = 1u << 5;

unsigned current_el() {
    std::uint64_t el;
    asm volatile("mrs %0, CurrentEL" : "=r"(el));
    return static_cast<unsigned>(el >> 2) & 3;
}

// The header's offsets are hard-coded in start.S.
static_assert(offsetof(Header, kernel_entry) == 24 && offsetof(Header, table_root) == 32 &&
              offsetof(Header, table_root_high) == 40 && offsetof(Header, tcr) == 48 &&
              offsetof(Header, mair) == 56 && offsetof(Header, kernel_arguments) == 64);

}  // namespace

void put_char(char c) {
    auto reg = [](std::uintptr_t offset) { return reinterpret_cast<volatile std::uint32_t *>(uart_base + offset); };
    if (c == '\n') put_char('\r');
    while (*reg(uart_flags) & flag_transmit_full) {
    }
    *reg(uart_data) = static_cast<unsigned char>(c);
}

const char *check_mode(const Header &header) {
    unsigned el = current_el();
    if (header.mode == TranslationMode::aarch64_el2) {
        if (el != 2) return "this kernel has hypervisor support and must start at EL2 (QEMU: -machine virt,virtualization=on)";
        return nullptr;
    }
    if (header.mode == TranslationMode::aarch64_el1) {
        if (el != 2 && el != 1) return "the loader must start at EL2 or EL1";
        return nullptr;
    }
    return "the payload is not for aarch64";
}

void enter_kernel(const Header &header, unsigned) {
    if (header.mode == TranslationMode::aarch64_el2) loader_enter_el2(&header);
    loader_enter_el1(&header);
}

}  // namespace kernel_loader::arch
