// Reading ELF64 and writing ELF64 or ELF32 little-endian executables, for the host tools.
// Every malformed input is an Error naming the file and what is wrong.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace elf {

struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline constexpr std::uint16_t machine_i386 = 3;
inline constexpr std::uint16_t machine_x86_64 = 62;
inline constexpr std::uint16_t machine_aarch64 = 183;
inline constexpr std::uint16_t machine_riscv = 243;

struct Segment {  // a PT_LOAD program header and its bytes
    std::uint64_t virtual_address;
    std::uint64_t physical_address;
    std::uint64_t memory_size;
    std::uint32_t flags;
    std::vector<std::uint8_t> data;  // file contents (p_filesz bytes)
    std::uint64_t file_offset = 0;   // where parse() found them in the file (serialize() chooses its own)
};

struct File {
    std::string name;  // for messages
    std::uint16_t machine;
    std::uint64_t entry;
    std::vector<Segment> segments;
    std::vector<std::pair<std::string, std::uint64_t>> symbols;  // from .symtab, if any
    std::vector<std::uint64_t> symbol_sizes;                      // st_size of each of symbols, when parsed

    std::optional<std::uint64_t> symbol(const std::string &name) const;
};

// Parses an ELF64 little-endian executable (ET_EXEC) from memory.
File parse(const std::vector<std::uint8_t> &bytes, const std::string &name);
// Reads and parses a file.
File read(const std::string &path);

const char *machine_name(std::uint16_t machine);
std::string hex(std::uint64_t value);  // 0x...

enum class Class { elf32, elf64 };

// Serializes an executable with only program headers (what loaders need). Each segment's
// data lies at a file offset congruent to its virtual address modulo the 4 KiB page. In a
// 32-bit file every address and size must fit in 32 bits: one that does not is an Error.
std::vector<std::uint8_t> serialize(const File &file, Class elf_class = Class::elf64);

// Writes bytes to path through a temporary file, so no partial output is left.
void write_file_atomically(const std::string &path, const std::vector<std::uint8_t> &bytes);
std::vector<std::uint8_t> read_file(const std::string &path);

}  // namespace elf
