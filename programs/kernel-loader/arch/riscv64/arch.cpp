// riscv64 in S-mode under OpenSBI (QEMU's virt machine).
#include "../../arch.hpp"

#include <cstddef>
#include <cstdint>

extern "C" {
std::uint64_t loader_boot_hart;
// The hart being started and its core number, for a started hart that OpenSBI
// sends to _start instead (start.S, misrouted).
std::uint64_t loader_starting_hart, loader_starting_core;
}
extern "C" [[noreturn]] void loader_enter(const kernel_loader::Header *, std::uint64_t hart_id, std::uint64_t core_id);

namespace kernel_loader::arch {

namespace {

// SBI Hart State Management extension: hart_start(hartid, start_addr, opaque),
// and the SBI error codes (RISC-V SBI specification, v2.0).
constexpr std::uintptr_t sbi_hsm = 0x48'534d, sbi_hsm_hart_start = 0;
const char *const sbi_errors[] = {
    "SBI hart_start failed: FAILED",          "SBI hart_start failed: NOT_SUPPORTED (no HSM extension)",
    "SBI hart_start failed: INVALID_PARAM",   "SBI hart_start failed: DENIED",
    "SBI hart_start failed: INVALID_ADDRESS", "SBI hart_start failed: ALREADY_AVAILABLE (the hart is running)",
    "SBI hart_start failed: ALREADY_STARTED", "SBI hart_start failed: ALREADY_STOPPED",
};

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

// OpenSBI starts one hart, the winner of its boot lottery, which need not be
// hart 0; the others wait stopped until hart_start. seL4 takes whatever hart
// the loader calls core 0 as its boot core and records hart and core of each
// in its coreMap (init_kernel's a6 and a7). (A single-node kernel instead
// assumes CONFIG_FIRST_HART_ID for its PLIC context; with QEMU's -smp 1 that
// is the only hart.)
std::uint64_t boot_cpu_id() { return loader_boot_hart; }

// The hart starts in S-mode at loader_secondary_entry, satp = 0, with
// a0 = its hart id, a1 = the opaque argument: the logical core number.
const char *start_cpu(const Header &, std::uint64_t hart_id, unsigned core) {
    __atomic_store_n(&loader_starting_hart, hart_id, __ATOMIC_RELAXED);
    __atomic_store_n(&loader_starting_core, core, __ATOMIC_RELEASE);
    register std::uintptr_t a0 asm("a0") = hart_id;
    register std::uintptr_t a1 asm("a1") = reinterpret_cast<std::uintptr_t>(&loader_secondary_entry);
    register std::uintptr_t a2 asm("a2") = core;
    register std::uintptr_t a6 asm("a6") = sbi_hsm_hart_start;
    register std::uintptr_t a7 asm("a7") = sbi_hsm;
    asm volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a6), "r"(a7) : "memory");
    auto error = static_cast<std::intptr_t>(a0);
    if (error == 0) return nullptr;
    if (error < 0 && error >= -8) return sbi_errors[-error - 1];
    return "SBI hart_start failed with an unknown code";
}

std::uint64_t ticks() {
    std::uint64_t time;
    asm volatile("rdtime %0" : "=r"(time));
    return time;
}

std::uint64_t ticks_per_second(const Header &header) { return header.timer_frequency; }

void enter_kernel(const Header &header, unsigned core, std::uint64_t hart_id) { loader_enter(&header, hart_id, core); }

}  // namespace kernel_loader::arch
