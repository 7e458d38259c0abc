// sel4-embed-symbols: a program's function symbols, as a compact table written into its
// own .cpp_sel4_symbols section, for runtime-symbols to symbolize backtraces on the device.
//
// Table (little-endian): magic "cppsel4S", u32 count, u32 offset of the names from the
// table's start, then count entries {u64 address, u32 size, u32 name offset from the
// names' start} sorted by address, then the NUL-terminated names. The rest of the
// section is zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace symtab {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline constexpr char magic[8] = {'c', 'p', 'p', 's', 'e', 'l', '4', 'S'};
inline constexpr char section_name[] = ".cpp_sel4_symbols";
inline constexpr std::size_t header_size = 16;
inline constexpr std::size_t entry_size = 16;

struct Function {
    std::uint64_t address;
    std::uint32_t size;
    std::string name;
};

// The table of the functions: sorted by address, one per address (the first name in
// order wins among aliases).
std::vector<std::uint8_t> build_table(std::vector<Function> functions);

// The FUNC symbols of size > 0 in an ELF64 little-endian file's .symtab, demangled.
std::vector<Function> read_functions(const std::vector<std::uint8_t> &elf, const std::string &file);

// The ELF with its functions' table in .cpp_sel4_symbols; same size and layout.
std::vector<std::uint8_t> embed(const std::vector<std::uint8_t> &elf, const std::string &file);

}  // namespace symtab
