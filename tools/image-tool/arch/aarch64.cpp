// aarch64 boot translation tables (VMSAv8-64, 4 KiB granule, 48-bit VA).
#include "../layout.hpp"
#include "../paging.hpp"

namespace image_tool::aarch64 {

namespace {

constexpr std::uint64_t valid = 1, table_descriptor = 3, block_descriptor = 1;
constexpr std::uint64_t access_flag = 1ull << 10;
constexpr std::uint64_t inner_shareable = 3ull << 8;
constexpr std::uint64_t ap1 = 1ull << 6;  // RES1 in the single-privilege EL2 regime
// MAIR indices, in the order seL4's kernel expects (src/arch/arm/64/kernel/vspace.c).
constexpr std::uint64_t attr_normal = 4;
constexpr std::uint64_t address_mask = 0x0000'ffff'ffff'f000ull;

unsigned level0_index(std::uint64_t va) { return (va >> 39) & 511; }
unsigned level1_index(std::uint64_t va) { return (va >> 30) & 511; }

void map(PageTables &t, std::uint64_t root, const Mapping &m, bool el2) {
    Table &level0 = t.at(root);
    std::uint64_t &entry = level0[level0_index(m.virtual_address)];
    if (!(entry & valid)) {
        std::uint64_t table = t.allocate();
        t.at(root)[level0_index(m.virtual_address)] = table | table_descriptor;
    }
    Table &level1 = t.at(t.at(root)[level0_index(m.virtual_address)] & address_mask);
    std::uint64_t block = m.physical_address | access_flag | inner_shareable | (attr_normal << 2) | block_descriptor;
    if (el2) block |= ap1;
    std::uint64_t &slot = level1[level1_index(m.virtual_address)];
    if ((slot & valid) && slot != block)
        throw LayoutError("boot page tables: two mappings of virtual address " + hex(m.virtual_address) +
                          " to different physical addresses");
    slot = block;
}

}  // namespace

PageTables build(bool el2, const std::vector<Mapping> &identity, const std::vector<Mapping> &window,
                 std::uint64_t base) {
    PageTables t{base, {}, 0};
    t.root = t.allocate();
    if (!el2) t.root_high = t.allocate();
    for (const auto &m : identity) map(t, t.root, m, el2);
    for (const auto &m : window) map(t, el2 ? t.root : t.root_high, m, el2);
    return t;
}

std::optional<std::uint64_t> translate(const PageTables &t, bool el2, std::uint64_t va) {
    std::uint64_t top = va >> 48;
    std::uint64_t root;
    if (top == 0) root = t.root;
    else if (top == 0xffff && !el2) root = t.root_high;
    else return std::nullopt;  // not a valid input address for this regime
    std::uint64_t entry0 = t.at(root)[level0_index(va)];
    if ((entry0 & 3) != table_descriptor) return std::nullopt;
    std::uint64_t entry1 = t.at(entry0 & address_mask)[level1_index(va)];
    if ((entry1 & 3) != block_descriptor) return std::nullopt;
    return (entry1 & address_mask & ~(gib - 1)) | (va & (gib - 1));
}

std::uint64_t tcr(bool el2, unsigned pa_bits) {
    std::uint64_t ps;
    switch (pa_bits) {
    case 32: ps = 0; break;
    case 36: ps = 1; break;
    case 40: ps = 2; break;
    case 42: ps = 3; break;
    case 44: ps = 4; break;
    case 48: ps = 5; break;
    default: throw LayoutError("unsupported physical address size of " + std::to_string(pa_bits) + " bits");
    }
    // 48-bit regions, inner/outer write-back write-allocate walks, inner shareable, 4 KiB granule.
    constexpr std::uint64_t t0sz = 16, irgn0 = 1ull << 8, orgn0 = 1ull << 10, sh0 = 3ull << 12;
    if (el2) {
        // TCR_EL2 as seL4 checks it (checkTCR_EL2): PS at 16, RES1 bits 23 and 31.
        return t0sz | irgn0 | orgn0 | sh0 | (ps << 16) | (1ull << 23) | (1ull << 31);
    }
    constexpr std::uint64_t t1sz = 16ull << 16, irgn1 = 1ull << 24, orgn1 = 1ull << 26, sh1 = 3ull << 28;
    constexpr std::uint64_t tg1_4k = 2ull << 30;
    return t0sz | irgn0 | orgn0 | sh0 | t1sz | irgn1 | orgn1 | sh1 | tg1_4k | (ps << 32);
}

std::uint64_t mair() {
    // Device-nGnRnE, Device-nGnRE, Device-GRE, Normal non-cacheable,
    // Normal write-back, Normal write-through: seL4's enum mair_types.
    return 0x00ull | 0x04ull << 8 | 0x0cull << 16 | 0x44ull << 24 | 0xffull << 32 | 0xbbull << 40;
}

}  // namespace image_tool::aarch64
