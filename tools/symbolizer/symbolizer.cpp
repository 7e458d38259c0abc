#include "symbolizer.hpp"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>

namespace symbolizer {
namespace {

using sel4::backtrace::FrameKind;

// Checks that path is a readable ELF executable, with messages naming it.
void check_elf_file(const std::string &path) {
    std::error_code error;
    auto status = std::filesystem::status(path, error);
    if (error) throw Error(path + ": cannot open: " + error.message());
    if (!std::filesystem::is_regular_file(status)) throw Error(path + ": not a regular file");
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(path + ": cannot open: " + std::strerror(errno));
    Elf *elf = elf_begin(fd, ELF_C_READ, nullptr);
    std::string problem;
    GElf_Ehdr header;
    if (elf == nullptr) {
        problem = std::string("cannot read: ") + elf_errmsg(-1);
    } else if (elf_kind(elf) != ELF_K_ELF) {
        problem = "not an ELF file";
    } else if (gelf_getehdr(elf, &header) == nullptr) {
        problem = std::string("malformed ELF header: ") + elf_errmsg(-1);
    } else if (header.e_type != ET_EXEC && header.e_type != ET_DYN) {
        problem = "not an ELF executable (e_type " + std::to_string(header.e_type) + ")";
    }
    elf_end(elf);
    ::close(fd);
    if (!problem.empty()) throw Error(path + ": " + problem);
}

std::string attribute_string(Dwarf_Die *die, unsigned name) {
    Dwarf_Attribute attribute;
    const char *text = dwarf_formstring(dwarf_attr_integrate(die, name, &attribute));
    return text != nullptr ? text : "";
}

// The demangled linkage name of a function DIE, through its abstract origin
// or specification, else its plain name.
std::string function_name(Dwarf_Die *die) {
    for (unsigned attribute : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
        std::string linkage = attribute_string(die, attribute);
        if (!linkage.empty()) return demangle(linkage);
    }
    return attribute_string(die, DW_AT_name);
}

bool is_function(Dwarf_Die *die) {
    int tag = dwarf_tag(die);
    return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine || tag == DW_TAG_entry_point;
}

// The call site of an inlined subroutine DIE.
void call_site(Dwarf_Die *inlined, Location &location) {
    Dwarf_Attribute attribute;
    Dwarf_Word value;
    Dwarf_Die cu;
    Dwarf_Files *files;
    if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &attribute), &value) == 0 &&
        dwarf_diecu(inlined, &cu, nullptr, nullptr) != nullptr && dwarf_getsrcfiles(&cu, &files, nullptr) == 0) {
        const char *file = dwarf_filesrc(files, value, nullptr, nullptr);
        if (file != nullptr) location.file = file;
    }
    if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &attribute), &value) == 0)
        location.line = static_cast<unsigned>(value);
}

struct FreeScopes {
    void operator()(Dwarf_Die *scopes) const { std::free(scopes); }
};

std::string hex(std::uint64_t value) {
    std::string text;
    auto append = [&](char c) { text += c; };
    sel4::backtrace::detail::put_hex(append, value);
    return text;
}

}  // namespace

std::string demangle(const std::string &name) {
    int status = 0;
    std::unique_ptr<char, decltype(&std::free)> demangled(
        abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status), &std::free);
    return status == 0 && demangled ? std::string(demangled.get()) : name;
}

Program::Program(const std::string &path) : path_(path) {
    elf_version(EV_CURRENT);
    check_elf_file(path);
    static char *debuginfo_path = nullptr;
    static const Dwfl_Callbacks callbacks = {
        .find_elf = dwfl_build_id_find_elf,
        .find_debuginfo = dwfl_standard_find_debuginfo,
        .section_address = dwfl_offline_section_address,
        .debuginfo_path = &debuginfo_path,
    };
    dwfl_ = dwfl_begin(&callbacks);
    if (dwfl_ == nullptr) throw Error(path + ": " + dwfl_errmsg(-1));
    // Link-time addresses: position-independent programs are placed at their p_vaddr.
    module_ = dwfl_report_elf(dwfl_, path.c_str(), path.c_str(), -1, 0, true);
    if (module_ == nullptr || dwfl_report_end(dwfl_, nullptr, nullptr) != 0) {
        std::string message = path + ": " + dwfl_errmsg(-1);
        dwfl_end(dwfl_);
        throw Error(message);
    }
    Dwarf_Addr bias;
    has_dwarf_ = dwfl_module_getdwarf(module_, &bias) != nullptr;
}

Program::~Program() { dwfl_end(dwfl_); }

bool Program::in_code(std::uint64_t address) const {
    GElf_Addr bias;
    Elf *elf = dwfl_module_getelf(module_, &bias);
    std::size_t count;
    if (elf == nullptr || elf_getphdrnum(elf, &count) != 0) return false;
    for (std::size_t i = 0; i < count; ++i) {
        GElf_Phdr header;
        if (gelf_getphdr(elf, static_cast<int>(i), &header) == nullptr) continue;
        std::uint64_t start = header.p_vaddr + bias;
        if (header.p_type == PT_LOAD && (header.p_flags & PF_X) != 0 && address >= start &&
            address - start < header.p_memsz)
            return true;
    }
    return false;
}

Symbolized Program::symbolize(std::uint64_t address, FrameKind kind) const {
    Symbolized result;
    result.address = address;
    result.lookup_address = kind == FrameKind::return_address && address != 0 ? address - 1 : address;
    std::uint64_t lookup = result.lookup_address;
    std::string program = std::filesystem::path(path_).filename();
    if (!in_code(lookup)) {
        result.problem = "address outside the code of " + program;
        return result;
    }

    Location innermost;
    GElf_Off offset;
    GElf_Sym symbol;
    const char *symbol_name = dwfl_module_addrinfo(module_, lookup, &offset, &symbol, nullptr, nullptr, nullptr);
    if (symbol_name != nullptr) innermost.function = demangle(symbol_name);
    if (!has_dwarf_) {
        result.problem = "no DWARF debug info in " + program;
        result.places.push_back(innermost);
        return result;
    }
    if (Dwfl_Line *line = dwfl_module_getsrc(module_, lookup)) {
        Dwarf_Addr line_address;
        int line_number = 0;
        const char *file = dwfl_lineinfo(line, &line_address, &line_number, nullptr, nullptr, nullptr);
        if (file != nullptr) innermost.file = file;
        innermost.line = line_number > 0 ? static_cast<unsigned>(line_number) : 0;
    }
    Dwarf_Addr bias;
    Dwarf_Die *cu = dwfl_module_addrdie(module_, lookup, &bias);
    Dwarf_Die *raw_scopes = nullptr;
    int count = cu != nullptr ? dwarf_getscopes(cu, lookup - bias, &raw_scopes) : 0;
    std::unique_ptr<Dwarf_Die, FreeScopes> scopes(raw_scopes);
    if (count <= 0) {
        if (innermost.file.empty()) result.problem = "no debug info for this address in " + program;
        result.places.push_back(innermost);
        return result;
    }
    // dwarf_getscopes follows inlined code into its abstract definition; the
    // chain of concrete DIEs around the innermost one gives the inlining.
    Dwarf_Die innermost_die = scopes.get()[0];
    raw_scopes = nullptr;
    count = dwarf_getscopes_die(&innermost_die, &raw_scopes);
    scopes.reset(raw_scopes);
    std::vector<Dwarf_Die *> functions;
    for (int i = 0; i < count; ++i)
        if (is_function(&scopes.get()[i])) functions.push_back(&scopes.get()[i]);
    if (functions.empty()) {
        result.places.push_back(innermost);
        return result;
    }
    std::string name = function_name(functions[0]);
    if (!name.empty()) innermost.function = name;
    result.places.push_back(innermost);
    for (std::size_t i = 0; i + 1 < functions.size() && dwarf_tag(functions[i]) == DW_TAG_inlined_subroutine; ++i) {
        Location caller;
        caller.function = function_name(functions[i + 1]);
        call_site(functions[i], caller);
        result.places.push_back(caller);
    }
    return result;
}

std::string render_frame(const sel4::backtrace::Frame &frame, const Symbolized &symbolized,
                         const std::string &source_root) {
    // Appends only: GCC 12 warns wrongly (-Wrestrict) about "literal" + std::string at -O3.
    std::string text;
    auto append_place = [&](const Location &location) {
        text += location.function.empty() ? "??" : location.function;
        std::string_view file = location.file;
        if (!source_root.empty() && file.starts_with(source_root) && file.substr(source_root.size()).starts_with('/'))
            file.remove_prefix(source_root.size() + 1);
        text += " at ";
        text += file.empty() ? "??" : file;
        if (location.line != 0) {
            text += ':';
            text += std::to_string(location.line);
        }
    };
    text += '#';
    text += std::to_string(frame.index);
    text += ' ';
    text += hex(frame.address);
    if (symbolized.places.empty()) {
        text += " ??";
    } else {
        text += " in ";
        append_place(symbolized.places[0]);
    }
    if (!symbolized.problem.empty()) {
        text += " (";
        text += symbolized.problem;
        text += ')';
    }
    text += '\n';
    for (std::size_t i = 1; i < symbolized.places.size(); ++i) {
        text += "   inlined into ";
        append_place(symbolized.places[i]);
        text += '\n';
    }
    return text;
}

std::string render_block(const Program &program, const sel4::backtrace::Block &block,
                         const std::string &source_root) {
    std::string text = "backtrace of ";
    text += block.program;
    text += " (log lines ";
    text += std::to_string(block.first_line);
    text += '-';
    text += std::to_string(block.last_line);
    text += "):\n";
    for (const sel4::backtrace::Frame &frame : block.frames)
        text += render_frame(frame, program.symbolize(frame.address, frame.kind), source_root);
    for (const sel4::backtrace::Problem &problem : block.problems) {
        text += "incomplete: log line ";
        text += std::to_string(problem.line);
        text += ": ";
        text += problem.message;
        text += '\n';
    }
    return text;
}

}  // namespace symbolizer
