// sel4-image: makes a bootable image from the cpp-sel4 kernel loader, an seL4
// kernel, a root task and a device tree. The kernel and root task are
// attached after the loader was built, so one loader serves every system.
//
//   sel4-image --loader L --kernel K --kernel-config gen_config.json
//              --root-task R --dtb D -o IMAGE [--verbose]
#include "layout.hpp"

#include <cstdio>
#include <map>
#include <string>

int main(int argc, char **argv) {
    std::map<std::string, std::string> options;
    bool verbose = false;
    const char *usage = "usage: sel4-image --loader ELF --kernel ELF --kernel-config JSON --root-task ELF --dtb DTB -o IMAGE [--verbose]\n";
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--verbose") {
            verbose = true;
        } else if ((arg == "--loader" || arg == "--kernel" || arg == "--kernel-config" || arg == "--root-task" ||
                    arg == "--dtb" || arg == "-o") && i + 1 < argc) {
            options[arg] = argv[++i];
        } else {
            std::fprintf(stderr, "sel4-image: unexpected argument '%s'\n%s", arg.c_str(), usage);
            return 2;
        }
    }
    for (const char *required : {"--loader", "--kernel", "--kernel-config", "--root-task", "--dtb", "-o"}) {
        if (!options.count(required)) {
            std::fprintf(stderr, "sel4-image: %s is required\n%s", required, usage);
            return 2;
        }
    }
    try {
        image_tool::Inputs inputs{
            elf::read(options["--loader"]),
            elf::read(options["--kernel"]),
            elf::read(options["--root-task"]),
            elf::read_file(options["--dtb"]),
            options["--dtb"],
            image_tool::read_kernel_config(options["--kernel-config"]),
        };
        auto plan = image_tool::plan(inputs);
        elf::write_file_atomically(options["-o"], elf::serialize(plan.image));
        if (verbose) {
            for (const auto &placement : plan.placements)
                std::printf("[%s, %s) %s\n", image_tool::hex(placement.start).c_str(),
                            image_tool::hex(placement.end).c_str(), placement.what.c_str());
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "sel4-image: %s\n", e.what());
        return 1;
    }
    return 0;
}
