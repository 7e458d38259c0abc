// riscv64 Sv39 boot page tables: 1 GiB leaves in the root table.
#include "../layout.hpp"
#include "../paging.hpp"

namespace image_tool::riscv64 {

namespace {

constexpr std::uint64_t valid = 1, read = 2, write = 4, execute = 8, global = 32, accessed = 64, dirty = 128;

unsigned root_index(std::uint64_t va) { return (va >> 30) & 511; }

bool canonical(std::uint64_t va) {
    std::uint64_t top = va >> 38;  // bits 63..38 must all equal bit 38
    return top == 0 || top == (1ull << 26) - 1;
}

}  // namespace

PageTables build(const std::vector<Mapping> &identity, const std::vector<Mapping> &window, std::uint64_t base) {
    PageTables t{base, {}, 0};
    t.root = t.allocate();
    auto map = [&](const Mapping &m, std::uint64_t extra) {
        if (!canonical(m.virtual_address))
            throw LayoutError("boot page tables: " + hex(m.virtual_address) + " is not an Sv39 address");
        std::uint64_t leaf = (m.physical_address >> 12) << 10 | valid | read | write | execute | accessed | dirty | extra;
        std::uint64_t &slot = t.at(t.root)[root_index(m.virtual_address)];
        if ((slot & valid) && slot != leaf)
            throw LayoutError("boot page tables: two mappings of virtual address " + hex(m.virtual_address) +
                              " to different physical addresses");
        slot = leaf;
    };
    for (const auto &m : identity) map(m, 0);
    for (const auto &m : window) map(m, global);
    return t;
}

std::optional<std::uint64_t> translate(const PageTables &t, std::uint64_t va) {
    if (!canonical(va)) return std::nullopt;
    std::uint64_t pte = t.at(t.root)[root_index(va)];
    if (!(pte & valid) || !(pte & (read | execute))) return std::nullopt;
    return ((pte >> 10) << 12 & ~(gib - 1)) | (va & (gib - 1));
}

std::uint64_t satp(const PageTables &t) {
    constexpr std::uint64_t mode_sv39 = 8;
    return mode_sv39 << 60 | t.root >> 12;
}

}  // namespace image_tool::riscv64
