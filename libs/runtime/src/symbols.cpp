#include <sel4/runtime/symbols.hpp>

#include <cstddef>

namespace sel4_runtime {

namespace {

// Reserved here, filled in by sel4-embed-symbols (tools/symtab/symtab.hpp has the layout).
// Initialised data of a named section, so the bytes are in the file (PROGBITS) for the tool
// to write.
[[gnu::section(".cpp_sel4_symbols"), gnu::used]] alignas(8) const unsigned char
    symbol_table[CPP_SEL4_SYMBOL_TABLE_SIZE] = {};

constexpr char magic[8] = {'c', 'p', 'p', 's', 'e', 'l', '4', 'S'};
constexpr std::size_t header_size = 16;
constexpr std::size_t entry_size = 16;

std::uint64_t load(const unsigned char *bytes, std::size_t size) noexcept {
    std::uint64_t value = 0;
    for (std::size_t i = size; i != 0; --i)
        value = value << 8 | bytes[i - 1];
    return value;
}

} // namespace

bool symbolize(std::uintptr_t pc, Symbol &out) noexcept {
    // The compiler sees zeros; the tool writes the table after linking.
    const unsigned char *table = symbol_table;
    asm("" : "+r"(table));
    for (std::size_t i = 0; i < sizeof magic; ++i)
        if (table[i] != static_cast<unsigned char>(magic[i]))
            return false;
    const std::uint64_t count = load(table + 8, 4);
    const std::uint64_t names = load(table + 12, 4);
    if (names < header_size + count * entry_size || names > sizeof symbol_table)
        return false;
    // The last entry starting at or below pc.
    std::uint64_t low = 0;
    std::uint64_t high = count;
    while (low < high) {
        const std::uint64_t middle = low + (high - low) / 2;
        if (load(table + header_size + middle * entry_size, 8) <= pc)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == 0)
        return false;
    const unsigned char *entry = table + header_size + (low - 1) * entry_size;
    const std::uint64_t start = load(entry, 8);
    const std::uint64_t name = names + load(entry + 12, 4);
    if (pc - start >= load(entry + 8, 4) || name >= sizeof symbol_table)
        return false;
    out.name = reinterpret_cast<const char *>(table + name);
    out.offset = pc - start;
    return true;
}

} // namespace sel4_runtime
