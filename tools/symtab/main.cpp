// sel4-embed-symbols --elf PROGRAM: writes PROGRAM's function symbols into its
// .cpp_sel4_symbols section (see symtab.hpp), in place; on an error PROGRAM is untouched.
#include "symtab.hpp"

#include <cli.hpp>
#include <elf_file.hpp>

#include <cstdio>
#include <cstring>
#include <string>
#include <sys/stat.h>

int main(int argc, char **argv) {
    cpp_sel4_cli::Tool tool("sel4-embed-symbols",
                            "Writes PROGRAM's function symbols into its .cpp_sel4_symbols section, in place, for "
                            "symbolized backtraces on the device. On an error PROGRAM is left untouched.");
    std::string program;
    tool.add_option("--elf", program, "The program (a cpp-sel4 ELF linked with runtime-symbols)")
        ->type_name("PROGRAM")
        ->required();
    if (auto status = tool.parse_arguments({argv + 1, argv + argc}))
        return *status;
    try {
        struct stat status{};
        if (::stat(program.c_str(), &status) != 0) throw symtab::Error(program + ": cannot read: " + std::strerror(errno));
        elf::write_file_atomically(program, symtab::embed(elf::read_file(program), program));
        if (::chmod(program.c_str(), status.st_mode & 07777) != 0)
            throw symtab::Error(program + ": cannot restore its mode: " + std::strerror(errno));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "sel4-embed-symbols: %s\n", e.what());
        return 1;
    }
    return 0;
}
