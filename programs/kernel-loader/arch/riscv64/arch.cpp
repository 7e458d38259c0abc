// riscv64 in S-mode under OpenSBI (QEMU's virt machine).
#include "../../arch.hpp"

#include <cstddef>
#include <cstdint>

extern "C" std::uint64_t loader_boot_hart;
std::uint64_t loader_boot_hart;
extern "C" [[noreturn]] void loader_enter(const kernel_loader::Header *, std::uint64_t hart_id, std::uint64_t core_id);

namespace kernel_loader::arch {

namespace {

// The header's offsets are hard-coded in start.S.
static_assert(offsetof(Header, kernel_entry) == 24 && offsetof(Header, table_root) == 32 &&
              offsetof(Header, kernel_arguments) == 64);

}  // namespace

void put_char(char c) {
    // SBI legacy extension 0x01: console putchar.
    register std::uintptr_t a0 asm("a0") = static_cast<unsigned char>(c);
    register std::uintptr_t a7 asm("a7") = 1;
    asm volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
}

const char *check_mode(const Header &header) {
    return header.mode == TranslationMode::riscv64_sv39 ? nullptr : "the payload is not for riscv64";
}

void enter_kernel(const Header &header, unsigned core) { loader_enter(&header, loader_boot_hart, core); }

}  // namespace kernel_loader::arch
