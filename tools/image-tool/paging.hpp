// Boot page tables, computed on the host. The loader installs them as they
// are; the kernel replaces them with its own early in boot. Only 1 GiB
// mappings are used: they cover everything the loader and the kernel touch
// before the kernel's own tables are active.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace image_tool {

inline constexpr std::uint64_t gib = 1ull << 30;

struct Mapping {  // one 1 GiB block
    std::uint64_t virtual_address;
    std::uint64_t physical_address;
};

using Table = std::array<std::uint64_t, 512>;

struct PageTables {
    std::uint64_t base;           // physical address of tables[0]
    std::vector<Table> tables;    // consecutive 4 KiB tables
    std::uint64_t root;           // physical address of the (low) root
    std::uint64_t root_high = 0;  // aarch64 EL1: the TTBR1 root

    Table &at(std::uint64_t physical) { return tables[(physical - base) / 4096]; }
    const Table &at(std::uint64_t physical) const { return tables[(physical - base) / 4096]; }
    // Appends an empty table; returns its physical address.
    std::uint64_t allocate() {
        tables.push_back(Table{});
        return base + (tables.size() - 1) * 4096;
    }
};

// aarch64, 4 KiB granule, 48-bit input addresses. At EL2 (no VHE) one root
// holds every mapping; at EL1 identity mappings go to TTBR0 and the kernel
// window to TTBR1.
namespace aarch64 {
PageTables build(bool el2, const std::vector<Mapping> &identity, const std::vector<Mapping> &window,
                 std::uint64_t base);
std::optional<std::uint64_t> translate(const PageTables &tables, bool el2, std::uint64_t virtual_address);
std::uint64_t tcr(bool el2, unsigned physical_address_bits);
std::uint64_t mair();
}  // namespace aarch64

// riscv64 Sv39: one root; 1 GiB leaves at its top level.
namespace riscv64 {
PageTables build(const std::vector<Mapping> &identity, const std::vector<Mapping> &window, std::uint64_t base);
std::optional<std::uint64_t> translate(const PageTables &tables, std::uint64_t virtual_address);
std::uint64_t satp(const PageTables &tables);
}  // namespace riscv64

}  // namespace image_tool
