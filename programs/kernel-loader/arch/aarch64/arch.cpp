// aarch64 on QEMU's virt machine.
#include "../../arch.hpp"

#include <cstddef>
#include <cstdint>

extern "C" [[noreturn]] void loader_enter_el2(const kernel_loader::Header *, std::uint64_t core);
extern "C" [[noreturn]] void loader_enter_el1(const kernel_loader::Header *, std::uint64_t core);

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

// MPIDR_EL1's affinity fields Aff3 (39:32) and Aff2..Aff0 (23:0): what a
// device tree's /cpus reg holds and what PSCI CPU_ON takes as target.
constexpr std::uint64_t mpidr_affinity = 0xff'00ff'ffffull;

// PSCI 0.2+ CPU_ON for SMC64/HVC64 and its return codes (PSCI spec, DEN0022).
constexpr std::uint64_t psci_cpu_on = 0xc400'0003;
const char *const psci_errors[] = {
    "PSCI CPU_ON failed: NOT_SUPPORTED",  "PSCI CPU_ON failed: INVALID_PARAMETERS", "PSCI CPU_ON failed: DENIED",
    "PSCI CPU_ON failed: ALREADY_ON",     "PSCI CPU_ON failed: ON_PENDING",         "PSCI CPU_ON failed: INTERNAL_FAILURE",
    "PSCI CPU_ON failed: NOT_PRESENT",    "PSCI CPU_ON failed: DISABLED",           "PSCI CPU_ON failed: INVALID_ADDRESS",
};

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

std::uint64_t boot_cpu_id() {
    std::uint64_t mpidr;
    asm volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
    return mpidr & mpidr_affinity;
}

// The conduit: at EL2 only SMC reaches the firmware (HVC would trap to EL2,
// to this loader, which has no vectors). QEMU's virt machine with
// virtualization=on implements PSCI on SMC and says so in its device tree;
// at EL1 the device tree's /psci method decides.
const char *start_cpu(const Header &header, std::uint64_t cpu_id, unsigned core) {
    register std::uint64_t x0 asm("x0") = psci_cpu_on;
    register std::uint64_t x1 asm("x1") = cpu_id;
    register std::uint64_t x2 asm("x2") = reinterpret_cast<std::uintptr_t>(&loader_secondary_entry);
    register std::uint64_t x3 asm("x3") = core;
    // SMCCC 1.0 lets the callee clobber x4-x17.
    if (current_el() == 2 || header.psci_method == PsciMethod::smc) {
        asm volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                     "x13", "x14", "x15", "x16", "x17", "memory");
    } else if (header.psci_method == PsciMethod::hvc) {
        asm volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::"x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                     "x13", "x14", "x15", "x16", "x17", "memory");
    } else {
        return "the device tree names no PSCI method to start cores with";
    }
    auto result = static_cast<std::int64_t>(x0);
    if (result == 0) return nullptr;
    if (result < 0 && result >= -9) return psci_errors[-result - 1];
    return "PSCI CPU_ON failed with an unknown code";
}

std::uint64_t ticks() {
    std::uint64_t count;
    asm volatile("isb; mrs %0, cntpct_el0" : "=r"(count));
    return count;
}

std::uint64_t ticks_per_second(const Header &) {
    std::uint64_t frequency;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(frequency));
    return frequency;
}

// seL4 takes the logical core number from TPIDR_EL1 (src/arch/arm/64/head.S),
// also in the EL2 regime; the enter stubs set it.
void enter_kernel(const Header &header, unsigned core, std::uint64_t) {
    if (header.mode == TranslationMode::aarch64_el2) loader_enter_el2(&header, core);
    loader_enter_el1(&header, core);
}

}  // namespace kernel_loader::arch
