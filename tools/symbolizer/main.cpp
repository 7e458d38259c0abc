// sel4-symbolize: finds the backtraces a cpp-sel4 program printed on its
// console (format: libs/backtrace/include/sel4/backtrace/format.hpp) and
// prints each frame as function, source file and line, inlined frames included.
//
//   sel4-symbolize --elf PROGRAM [--source-root DIR] [LOG]
//
// LOG is a file, or standard input when absent or "-". Exit status: 0 when
// every backtrace was complete; 1 when the log holds no backtrace or a
// malformed or incomplete one (what could be read is still symbolized);
// 2 for bad arguments, an unreadable log or an unusable PROGRAM.
#include "symbolizer.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

namespace {

constexpr const char *usage = "usage: sel4-symbolize --elf PROGRAM [--source-root DIR] [LOG]\n";

int fail(const std::string &message) {
    std::fprintf(stderr, "sel4-symbolize: %s\n", message.c_str());
    return 2;
}

}  // namespace

int main(int argc, char **argv) {
    std::string elf_path, source_root, log_path = "-";
    bool log_given = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if ((arg == "--elf" || arg == "--source-root") && i + 1 < argc) {
            (arg == "--elf" ? elf_path : source_root) = argv[++i];
        } else if (arg == "--help" || arg == "-h") {
            std::fputs(usage, stdout);
            return 0;
        } else if ((arg == "-" || !arg.starts_with("-")) && !log_given) {
            log_path = arg;
            log_given = true;
        } else {
            return fail("unexpected argument '" + arg + "'\n" + usage);
        }
    }
    if (elf_path.empty()) return fail(std::string("--elf is required\n") + usage);
    while (source_root.size() > 1 && source_root.ends_with('/')) source_root.pop_back();

    try {
        symbolizer::Program program(elf_path);
        if (!program.has_dwarf())
            std::fprintf(stderr,
                         "sel4-symbolize: warning: %s has no DWARF debug info (build it with -g); "
                         "names come from its symbol table, without files and lines\n",
                         elf_path.c_str());

        std::string log;
        std::string log_name = log_path == "-" ? "standard input" : log_path;
        if (log_path == "-") {
            log.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
        } else {
            std::ifstream file(log_path, std::ios::binary);
            if (!file) return fail(log_path + ": cannot open the log");
            std::ostringstream contents;
            contents << file.rdbuf();
            log = contents.str();
        }

        sel4::backtrace::ParsedLog parsed = sel4::backtrace::parse_log(log);
        int status = 0;
        for (const sel4::backtrace::Problem &problem : parsed.stray) {
            std::fprintf(stderr, "sel4-symbolize: %s:%zu: %s\n", log_name.c_str(), problem.line,
                         problem.message.c_str());
            status = 1;
        }
        if (parsed.blocks.empty()) {
            std::fprintf(stderr, "sel4-symbolize: %s: no backtrace found\n", log_name.c_str());
            return 1;
        }
        for (std::size_t i = 0; i < parsed.blocks.size(); ++i) {
            const sel4::backtrace::Block &block = parsed.blocks[i];
            std::string text = symbolizer::render_block(program, block, source_root);
            std::fputs(((i == 0 ? "" : "\n") + text).c_str(), stdout);
            if (!block.complete()) {
                std::fprintf(stderr, "sel4-symbolize: %s:%zu: the backtrace beginning here is incomplete\n",
                             log_name.c_str(), block.first_line);
                status = 1;
            }
        }
        return status;
    } catch (const symbolizer::Error &error) {
        return fail(error.what());
    }
}
