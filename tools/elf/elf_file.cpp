#include "elf_file.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unistd.h>

namespace elf {

namespace {

constexpr std::uint32_t pt_load = 1;
constexpr std::uint32_t sht_symtab = 2;
constexpr std::uint16_t et_exec = 2;
constexpr std::size_t header_size = 64;
constexpr std::size_t program_header_size = 56;
constexpr std::size_t section_header_size = 64;
constexpr std::size_t symbol_size = 24;

// Bounds-checked little-endian reads from the input.
class Reader {
public:
    Reader(const std::vector<std::uint8_t> &bytes, const std::string &name) : bytes_(bytes), name_(name) {}

    template <typename T>
    T get(std::uint64_t offset, const char *what) const {
        check(offset, sizeof(T), what);
        T value{};
        std::memcpy(&value, bytes_.data() + offset, sizeof(T));
        return value;
    }

    void check(std::uint64_t offset, std::uint64_t size, const char *what) const {
        if (offset > bytes_.size() || size > bytes_.size() - offset)
            fail(std::string(what) + " at offset " + std::to_string(offset) + " (+" + std::to_string(size) +
                 " bytes) lies outside the file (" + std::to_string(bytes_.size()) + " bytes)");
    }

    [[noreturn]] void fail(const std::string &what) const { throw Error(name_ + ": " + what); }

    const std::vector<std::uint8_t> &bytes() const { return bytes_; }

private:
    const std::vector<std::uint8_t> &bytes_;
    const std::string &name_;
};

template <typename T>
void put(std::vector<std::uint8_t> &out, std::size_t offset, T value) {
    std::memcpy(out.data() + offset, &value, sizeof(T));
}

}  // namespace

std::optional<std::uint64_t> File::symbol(const std::string &wanted) const {
    for (const auto &[symbol_name, value] : symbols)
        if (symbol_name == wanted) return value;
    return std::nullopt;
}

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

const char *machine_name(std::uint16_t machine) {
    switch (machine) {
    case machine_i386: return "i386";
    case machine_x86_64: return "x86_64";
    case machine_aarch64: return "aarch64";
    case machine_riscv: return "riscv";
    default: return "an unsupported machine";
    }
}

File parse(const std::vector<std::uint8_t> &bytes, const std::string &name) {
    Reader r(bytes, name);
    if (bytes.size() < 4 || std::memcmp(bytes.data(), "\x7f" "ELF", 4) != 0) r.fail("not an ELF file");
    if (bytes.size() < header_size) r.fail("truncated ELF header");
    if (bytes[4] != 2) r.fail("not a 64-bit ELF file (class " + std::to_string(bytes[4]) + ")");
    if (bytes[5] != 1) r.fail("not a little-endian ELF file");
    if (r.get<std::uint16_t>(16, "e_type") != et_exec) r.fail("not an executable (ET_EXEC) ELF file");

    File file;
    file.name = name;
    file.machine = r.get<std::uint16_t>(18, "e_machine");
    file.entry = r.get<std::uint64_t>(24, "e_entry");
    auto phoff = r.get<std::uint64_t>(32, "e_phoff");
    auto shoff = r.get<std::uint64_t>(40, "e_shoff");
    auto phentsize = r.get<std::uint16_t>(54, "e_phentsize");
    auto phnum = r.get<std::uint16_t>(56, "e_phnum");
    auto shentsize = r.get<std::uint16_t>(58, "e_shentsize");
    auto shnum = r.get<std::uint16_t>(60, "e_shnum");

    if (phnum != 0 && phentsize != program_header_size)
        r.fail("program header size " + std::to_string(phentsize) + ", expected 56");
    for (std::uint16_t i = 0; i < phnum; ++i) {
        std::uint64_t ph = phoff + std::uint64_t(i) * program_header_size;
        r.check(ph, program_header_size, "program header");
        if (r.get<std::uint32_t>(ph, "p_type") != pt_load) continue;
        Segment s;
        s.flags = r.get<std::uint32_t>(ph + 4, "p_flags");
        auto offset = r.get<std::uint64_t>(ph + 8, "p_offset");
        s.virtual_address = r.get<std::uint64_t>(ph + 16, "p_vaddr");
        s.physical_address = r.get<std::uint64_t>(ph + 24, "p_paddr");
        auto file_size = r.get<std::uint64_t>(ph + 32, "p_filesz");
        s.memory_size = r.get<std::uint64_t>(ph + 40, "p_memsz");
        if (file_size > s.memory_size)
            r.fail("segment " + std::to_string(i) + " has p_filesz larger than p_memsz");
        if (s.virtual_address + s.memory_size < s.virtual_address ||
            s.physical_address + s.memory_size < s.physical_address)
            r.fail("segment " + std::to_string(i) + " wraps around the address space");
        r.check(offset, file_size, "segment data");
        s.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(offset),
                      bytes.begin() + static_cast<std::ptrdiff_t>(offset + file_size));
        s.file_offset = offset;
        file.segments.push_back(std::move(s));
    }
    if (file.segments.empty()) r.fail("no loadable (PT_LOAD) segments");

    if (shnum != 0 && shentsize != section_header_size)
        r.fail("section header size " + std::to_string(shentsize) + ", expected 64");
    for (std::uint16_t i = 0; i < shnum; ++i) {
        std::uint64_t sh = shoff + std::uint64_t(i) * section_header_size;
        r.check(sh, section_header_size, "section header");
        if (r.get<std::uint32_t>(sh + 4, "sh_type") != sht_symtab) continue;
        auto sym_offset = r.get<std::uint64_t>(sh + 24, "sh_offset");
        auto sym_size = r.get<std::uint64_t>(sh + 32, "sh_size");
        auto link = r.get<std::uint32_t>(sh + 40, "sh_link");
        if (link >= shnum) r.fail("symbol table links to missing string table " + std::to_string(link));
        std::uint64_t strsh = shoff + std::uint64_t(link) * section_header_size;
        r.check(strsh, section_header_size, "string table header");
        auto str_offset = r.get<std::uint64_t>(strsh + 24, "sh_offset");
        auto str_size = r.get<std::uint64_t>(strsh + 32, "sh_size");
        r.check(str_offset, str_size, "string table");
        r.check(sym_offset, sym_size, "symbol table");
        for (std::uint64_t at = sym_offset; at + symbol_size <= sym_offset + sym_size; at += symbol_size) {
            auto name_index = r.get<std::uint32_t>(at, "st_name");
            if (name_index == 0) continue;
            if (name_index >= str_size) r.fail("symbol name outside the string table");
            const char *start = reinterpret_cast<const char *>(bytes.data() + str_offset + name_index);
            auto length = ::strnlen(start, str_size - name_index);
            if (length == str_size - name_index) r.fail("unterminated symbol name");
            file.symbols.emplace_back(std::string(start, length), r.get<std::uint64_t>(at + 8, "st_value"));
            file.symbol_sizes.push_back(r.get<std::uint64_t>(at + 16, "st_size"));
        }
    }
    return file;
}

std::vector<std::uint8_t> read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path + ": cannot open: " + std::strerror(errno));
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

File read(const std::string &path) { return parse(read_file(path), path); }

std::vector<std::uint8_t> serialize(const File &file, Class elf_class) {
    // Where the two classes keep the fields that differ in width or position.
    struct Format {
        std::uint8_t ident_class;
        std::size_t header_size, program_header_size, section_header_size;
        std::size_t entry, phoff, ehsize;  // e_phentsize, e_phnum and e_shentsize follow e_ehsize
        std::size_t p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
    };
    constexpr Format elf64{2, header_size, program_header_size, section_header_size, 24, 32, 52, 4, 8, 16, 24, 32, 40, 48};
    constexpr Format elf32{1, 52, 32, 40, 24, 28, 40, 24, 4, 8, 12, 16, 20, 28};
    const Format &f = elf_class == Class::elf64 ? elf64 : elf32;
    std::vector<std::uint8_t> out(f.header_size + f.program_header_size * file.segments.size());
    constexpr std::uint64_t limit32 = 1ull << 32;
    auto check_fits = [&](std::uint64_t value, std::uint64_t limit, const std::string &what) {
        if (elf_class == Class::elf32 && value > limit)
            throw Error(file.name + ": " + what + " " + hex(value) + " does not fit in a 32-bit ELF file");
    };
    // An address-sized field: 8 bytes, or 4 that must hold the value.
    auto put_word = [&](std::size_t offset, std::uint64_t value, const std::string &what) {
        check_fits(value, limit32 - 1, what);
        if (elf_class == Class::elf64) put<std::uint64_t>(out, offset, value);
        else put<std::uint32_t>(out, offset, static_cast<std::uint32_t>(value));
    };
    std::memcpy(out.data(), "\x7f" "ELF", 4);
    out[4] = f.ident_class;
    out[5] = 1;  // little-endian
    out[6] = 1;  // EV_CURRENT
    put<std::uint16_t>(out, 16, et_exec);
    put<std::uint16_t>(out, 18, file.machine);
    put<std::uint32_t>(out, 20, 1);
    put_word(f.entry, file.entry, "the entry point");
    put_word(f.phoff, f.header_size, "the program header offset");
    put<std::uint16_t>(out, f.ehsize, static_cast<std::uint16_t>(f.header_size));
    put<std::uint16_t>(out, f.ehsize + 2, static_cast<std::uint16_t>(f.program_header_size));
    put<std::uint16_t>(out, f.ehsize + 4, static_cast<std::uint16_t>(file.segments.size()));
    put<std::uint16_t>(out, f.ehsize + 6, static_cast<std::uint16_t>(f.section_header_size));
    for (std::size_t i = 0; i < file.segments.size(); ++i) {
        const Segment &s = file.segments[i];
        const std::string what = "segment " + std::to_string(i) + "'s ";
        check_fits(s.physical_address + s.memory_size, limit32, what + "physical end");
        check_fits(s.virtual_address + s.memory_size, limit32, what + "virtual end");
        // Keep file offsets congruent to addresses modulo the page size.
        std::uint64_t offset = (out.size() + 0xfff) & ~std::uint64_t(0xfff);
        offset += s.virtual_address & 0xfff;
        out.resize(offset + s.data.size());
        std::copy(s.data.begin(), s.data.end(), out.begin() + static_cast<std::ptrdiff_t>(offset));
        std::size_t ph = f.header_size + f.program_header_size * i;
        put<std::uint32_t>(out, ph, pt_load);
        put<std::uint32_t>(out, ph + f.p_flags, s.flags);
        put_word(ph + f.p_offset, offset, what + "file offset");
        put_word(ph + f.p_vaddr, s.virtual_address, what + "virtual address");
        put_word(ph + f.p_paddr, s.physical_address, what + "physical address");
        put_word(ph + f.p_filesz, s.data.size(), what + "file size");
        put_word(ph + f.p_memsz, s.memory_size, what + "memory size");
        put_word(ph + f.p_align, 0x1000, what + "alignment");
    }
    return out;
}

void write_file_atomically(const std::string &path, const std::vector<std::uint8_t> &bytes) {
    std::string temporary = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) throw Error(path + ": cannot write: " + std::strerror(errno));
        out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            std::remove(temporary.c_str());
            throw Error(path + ": write failed");
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw Error(path + ": cannot rename into place: " + std::strerror(errno));
    }
}

}  // namespace elf
