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

#include <cli.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

namespace {

int fail(const std::string &message) {
    std::fprintf(stderr, "sel4-symbolize: %s\n", message.c_str());
    return 2;
}

}  // namespace

int main(int argc, char **argv) {
    cpp_sel4_cli::Tool tool("sel4-symbolize",
                            "Finds the backtraces a cpp-sel4 program printed on its console and prints each frame as "
                            "function, source file and line, inlined frames included.");
    std::string elf_path, source_root, log_path = "-";
    tool.add_option("--elf", elf_path, "The program that printed the backtraces")->type_name("PROGRAM")->required();
    tool.add_option("--source-root", source_root, "Show the source files under DIR relative to it")->type_name("DIR");
    tool.add_option("LOG", log_path, "The console log; standard input when absent or -")
        ->type_name("FILE")
        ->capture_default_str();
    tool.footer("Exit status: 0 when every backtrace was complete; 1 when the log holds no backtrace or a malformed or "
                "incomplete one (what could be read is still symbolized); 2 for bad arguments, an unreadable log or "
                "an unusable PROGRAM.");
    if (auto status = tool.parse_arguments({argv + 1, argv + argc}))
        return *status;
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
