#include "symtab.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <cxxabi.h>
#include <elf.h>
#include <memory>
#include <optional>

namespace symtab {

namespace {

template <class T>
void put(std::vector<std::uint8_t> &out, std::size_t at, T value) {
    for (std::size_t i = 0; i < sizeof(T); ++i) out[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::string demangle(const std::string &name) {
    int status = 0;
    std::unique_ptr<char, decltype(&std::free)> text(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status),
                                                     &std::free);
    return status == 0 && text ? std::string(text.get()) : name;
}

// Bounds-checked access to the ELF's bytes; failures name the file and the place.
class Reader {
public:
    Reader(const std::vector<std::uint8_t> &bytes, const std::string &file) : bytes_(bytes), file_(file) {}

    [[noreturn]] void fail(const std::string &place, const std::string &what) const {
        throw Error(file_ + ": " + place + ": " + what);
    }

    template <class T>
    T get(std::uint64_t offset, const std::string &place) const {
        check(offset, sizeof(T), place);
        T value;
        std::memcpy(&value, bytes_.data() + offset, sizeof(T));
        return value;
    }

    void check(std::uint64_t offset, std::uint64_t size, const std::string &place) const {
        if (offset > bytes_.size() || size > bytes_.size() - offset) fail(place, "extends past the end of the file");
    }

    std::string string(std::uint64_t table_offset, std::uint64_t table_size, std::uint32_t index,
                       const std::string &place) const {
        if (index >= table_size) fail(place, "name index " + std::to_string(index) + " outside its string table");
        check(table_offset, table_size, place);
        const char *start = reinterpret_cast<const char *>(bytes_.data() + table_offset + index);
        return std::string(start, strnlen(start, table_size - index));
    }

private:
    const std::vector<std::uint8_t> &bytes_;
    const std::string &file_;
};

struct Sections {
    std::vector<Elf64_Shdr> headers;
    std::optional<std::size_t> symtab;
    std::optional<std::size_t> table;  // .cpp_sel4_symbols
};

Sections read_sections(const Reader &r, const std::vector<std::uint8_t> &elf) {
    if (elf.size() < sizeof(Elf64_Ehdr) || std::memcmp(elf.data(), ELFMAG, SELFMAG) != 0)
        r.fail("header", "not an ELF file");
    auto header = r.get<Elf64_Ehdr>(0, "header");
    if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
        r.fail("header", "not a 64-bit little-endian ELF file");
    if (header.e_shnum != 0 && header.e_shentsize != sizeof(Elf64_Shdr))
        r.fail("header", "section header size " + std::to_string(header.e_shentsize) + ", expected 64");
    if (header.e_shstrndx >= header.e_shnum) r.fail("header", "no section name table");
    Sections sections;
    for (std::size_t i = 0; i < header.e_shnum; ++i)
        sections.headers.push_back(
            r.get<Elf64_Shdr>(header.e_shoff + i * sizeof(Elf64_Shdr), "section header " + std::to_string(i)));
    const Elf64_Shdr &names = sections.headers[header.e_shstrndx];
    for (std::size_t i = 0; i < sections.headers.size(); ++i) {
        const Elf64_Shdr &section = sections.headers[i];
        if (section.sh_type == SHT_SYMTAB) sections.symtab = i;
        if (r.string(names.sh_offset, names.sh_size, section.sh_name, "section name table") == section_name)
            sections.table = i;
    }
    return sections;
}

}  // namespace

std::vector<std::uint8_t> build_table(std::vector<Function> functions) {
    std::stable_sort(functions.begin(), functions.end(),
                     [](const Function &a, const Function &b) { return a.address < b.address; });
    functions.erase(std::unique(functions.begin(), functions.end(),
                                [](const Function &a, const Function &b) { return a.address == b.address; }),
                    functions.end());
    std::size_t names_offset = header_size + functions.size() * entry_size;
    std::vector<std::uint8_t> table(names_offset);
    std::memcpy(table.data(), magic, sizeof magic);
    put<std::uint32_t>(table, 8, static_cast<std::uint32_t>(functions.size()));
    put<std::uint32_t>(table, 12, static_cast<std::uint32_t>(names_offset));
    for (std::size_t i = 0; i < functions.size(); ++i) {
        std::size_t entry = header_size + i * entry_size;
        put<std::uint64_t>(table, entry, functions[i].address);
        put<std::uint32_t>(table, entry + 8, functions[i].size);
        put<std::uint32_t>(table, entry + 12, static_cast<std::uint32_t>(table.size() - names_offset));
        table.insert(table.end(), functions[i].name.begin(), functions[i].name.end());
        table.push_back(0);
    }
    return table;
}

std::vector<Function> read_functions(const std::vector<std::uint8_t> &elf, const std::string &file) {
    Reader r(elf, file);
    Sections sections = read_sections(r, elf);
    if (!sections.symtab) r.fail(".symtab", "no symbol table (was the program stripped?)");
    const Elf64_Shdr &symbols = sections.headers[*sections.symtab];
    if (symbols.sh_link >= sections.headers.size()) r.fail(".symtab", "links to a missing string table");
    const Elf64_Shdr &strings = sections.headers[symbols.sh_link];
    std::vector<Function> functions;
    for (std::uint64_t at = 0; at + sizeof(Elf64_Sym) <= symbols.sh_size; at += sizeof(Elf64_Sym)) {
        auto symbol = r.get<Elf64_Sym>(symbols.sh_offset + at, ".symtab");
        if (ELF64_ST_TYPE(symbol.st_info) != STT_FUNC || symbol.st_size == 0 || symbol.st_shndx == SHN_UNDEF)
            continue;
        std::string name = r.string(strings.sh_offset, strings.sh_size, symbol.st_name, ".strtab");
        if (symbol.st_size > UINT32_MAX) r.fail(".symtab", "function " + name + " is larger than 4 GiB");
        functions.push_back({symbol.st_value, static_cast<std::uint32_t>(symbol.st_size), demangle(name)});
    }
    return functions;
}

std::vector<std::uint8_t> embed(const std::vector<std::uint8_t> &elf, const std::string &file) {
    Reader r(elf, file);
    Sections sections = read_sections(r, elf);
    if (!sections.table)
        r.fail(section_name, "no such section (link the program with runtime-symbols)");
    const Elf64_Shdr &section = sections.headers[*sections.table];
    if (section.sh_type != SHT_PROGBITS) r.fail(section_name, "the section has no bytes in the file (not PROGBITS)");
    r.check(section.sh_offset, section.sh_size, section_name);
    std::vector<std::uint8_t> table = build_table(read_functions(elf, file));
    if (table.size() > section.sh_size)
        r.fail(section_name, "the table needs " + std::to_string(table.size()) + " bytes but the section has " +
                                 std::to_string(section.sh_size) + " (raise CPP_SEL4_SYMBOL_TABLE_SIZE)");
    std::vector<std::uint8_t> out = elf;
    auto start = out.begin() + static_cast<std::ptrdiff_t>(section.sh_offset);
    std::fill(start, start + static_cast<std::ptrdiff_t>(section.sh_size), 0);
    std::copy(table.begin(), table.end(), start);
    return out;
}

}  // namespace symtab
