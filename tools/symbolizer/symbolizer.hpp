// Symbolization of backtrace addresses against an ELF program with elfutils'
// libdw: function names (demangled), source file and line, inlined frames.
#pragma once

#include <sel4/backtrace/format.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

struct Dwfl;
struct Dwfl_Module;

namespace symbolizer {

// A fatal problem with the program file; the message names the file.
struct Error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A function and a place in the source. Empty function or file, or line 0,
// mean unknown.
struct Location {
    std::string function;
    std::string file;
    unsigned line = 0;
};

struct Symbolized {
    std::uint64_t address = 0;         // as in the log
    std::uint64_t lookup_address = 0;  // address - 1 for return addresses
    // places[0]: the innermost function and the line being executed in it.
    // places[i > 0]: the function into which places[i - 1]'s function was
    // inlined, and the line of that inlined call.
    std::vector<Location> places;
    std::string problem;  // why something is unknown; empty when all is known
};

class Program {
public:
    // Opens an ELF file. Throws Error when the file is missing, unreadable or
    // not an ELF file. A program without DWARF is accepted: it gives names
    // from its symbol table only.
    explicit Program(const std::string &path);
    ~Program();
    Program(const Program &) = delete;
    Program &operator=(const Program &) = delete;

    const std::string &path() const { return path_; }
    bool has_dwarf() const { return has_dwarf_; }

    Symbolized symbolize(std::uint64_t address, sel4::backtrace::FrameKind kind) const;

private:
    bool in_code(std::uint64_t address) const;

    std::string path_;
    Dwfl *dwfl_ = nullptr;
    Dwfl_Module *module_ = nullptr;
    bool has_dwarf_ = false;
};

// Demangles a C++ symbol name; returns other names unchanged.
std::string demangle(const std::string &name);

// The text sel4-symbolize prints for one frame, lines ending in '\n':
//   #1 0x401234 in outer() at dir/main.cpp:12
//      inlined into caller() at dir/main.cpp:20
// Files under source_root (when not empty) are shown relative to it.
std::string render_frame(const sel4::backtrace::Frame &frame, const Symbolized &symbolized,
                         const std::string &source_root);

// The text for one block: a heading, its frames, and its problems if any:
//   backtrace of root-task (log lines 3-7):
//   #0 ...
//   incomplete: log line 7: the end line counts 3 frames but 2 were read
std::string render_block(const Program &program, const sel4::backtrace::Block &block,
                         const std::string &source_root);

}  // namespace symbolizer
