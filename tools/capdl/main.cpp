// sel4-capdl: CapDL specs on the host.
//   sel4-capdl check SPEC [--kernel-config gen_config.json]
//                                            reads and validates a spec (JSON); lists every problem,
//                                            with the kernel's rules too when its configuration is given
//   sel4-capdl dump SPEC [--format cdl|json] writes the spec as readable text, or as normalised JSON
//   sel4-capdl add-spec --initializer ELF --spec SPEC --fill-dir DIR -o OUT [--kernel-config JSON]
//                       [--no-embed-frames] [--no-deflate] [--object-names none|tcbs|all] [--log-level N]
//                                            attaches the spec to a prebuilt CapDL initializer (add_spec.hpp)
// A problem with the spec, or a file that cannot be read, ends with status 1; a wrong command line
// with status 2 (tools/cli). Only add-spec writes a file, and only when it succeeds.
#include "add_spec.hpp"
#include "dump.hpp"

#include <cli.hpp>
#include <sel4/capdl/json.hpp>
#include <sel4/capdl/validate.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

namespace {

class Failure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads `path` with `reader` (read_json or read_kernel_config).
template <class Reader> auto read_file(const std::string &path, Reader reader) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw Failure(path + ": cannot read: " + std::strerror(errno));
    std::ostringstream text;
    text << file.rdbuf();
    try {
        return reader(text.str(), path);
    } catch (const sel4::capdl::SpecError &error) {
        throw Failure(error.what());
    }
}

} // namespace

int main(int argc, char **argv) {
    cpp_sel4_cli::Tool tool("sel4-capdl", "CapDL specs on the host: checks them and shows them.");
    tool.require_subcommand(1);
    std::string spec_path;
    CLI::App *check = tool.add_subcommand("check", "Reads a spec (JSON) and lists every problem in it");
    check->add_option("SPEC", spec_path, "The spec, as rust-sel4's add-spec and Microkit's --capdl-json take it")->required();
    std::string kernel_config;
    check->add_option("--kernel-config", kernel_config,
                      "The kernel's gen_config.json (libsel4/include/kernel/gen_config.json of an installed kernel): also "
                      "check the spec against its arch, page sizes, MCS, cores and domains")
        ->type_name("JSON");
    CLI::App *dump = tool.add_subcommand("dump", "Writes a spec as readable text (cdl) or as normalised JSON");
    dump->add_option("SPEC", spec_path, "The spec (JSON)")->required();
    std::string format = "cdl";
    dump->add_option("--format", format, "cdl (default) or json")->check(CLI::IsMember({"cdl", "json"}));
    CLI::App *add = tool.add_subcommand("add-spec", "Attaches a spec to a prebuilt CapDL initializer");
    capdl_tool::AddSpecOptions add_options;
    add->add_option("--initializer", add_options.initializer, "The CapDL initializer (ELF), as the SDK installs it")
        ->required()
        ->type_name("ELF");
    add->add_option("--spec", add_options.spec, "The spec (JSON)")->required();
    add->add_option("--fill-dir", add_options.fill_dir, "The directory of the files the spec's frames are filled from")
        ->required()
        ->type_name("DIR");
    add->add_option("--kernel-config", add_options.kernel_config,
                    "The kernel's gen_config.json: the spec is checked against it, and the result against its root CNode "
                    "(default: the configuration of the kernel the initializer was built for, which it holds)")
        ->type_name("JSON");
    add->add_option("-o,--output", add_options.output, "The initializer with the spec")->required()->type_name("OUT");
    bool no_embed = false, no_deflate = false;
    add->add_flag("--no-embed-frames", no_embed, "Copy every frame's contents at boot instead of mapping whole pages in place");
    add->add_flag("--no-deflate", no_deflate, "Store fill data as it is instead of deflated");
    std::string names = "all";
    add->add_option("--object-names", names, "Which names the spec keeps for messages and thread names: none, tcbs or all")
        ->check(CLI::IsMember({"none", "tcbs", "all"}));
    unsigned log_level = 3;
    add->add_option("--log-level", log_level, "The initializer's log level: 0 (errors only) .. 5; 3 reports the result")
        ->check(CLI::Range(0, 5));
    if (auto status = tool.parse_arguments({argv + 1, argv + argc})) return *status;
    if (add->parsed()) {
        add_options.embed_frames = !no_embed;
        add_options.deflate = !no_deflate;
        add_options.names = names == "none" ? sel4::capdl::binary::Names::none
                            : names == "tcbs" ? sel4::capdl::binary::Names::tcbs
                                              : sel4::capdl::binary::Names::all;
        add_options.log_level = static_cast<std::uint8_t>(log_level);
        try {
            const capdl_tool::AddSpecReport r = capdl_tool::add_spec(add_options);
            std::printf("%s: %zu objects, %zu embedded frames, spec %zu bytes (%.1f per object), fill data %zu bytes "
                        "(%zu before deflating), root CNode %llu of %llu slots, at least %llu system calls\n",
                        add_options.output.c_str(), r.objects, r.embedded_frames, r.spec_bytes,
                        r.objects ? static_cast<double>(r.spec_bytes) / static_cast<double>(r.objects) : 0.0, r.fill_bytes,
                        r.raw_fill_bytes, static_cast<unsigned long long>(r.root_cnode_used),
                        static_cast<unsigned long long>(r.root_cnode_slots),
                        static_cast<unsigned long long>(r.minimum_system_calls));
            return 0;
        } catch (const capdl_tool::AddSpecError &error) {
            std::fprintf(stderr, "sel4-capdl: %s\n", error.what());
            return 1;
        }
    }

    try {
        const sel4::capdl::Spec spec = read_file(spec_path, sel4::capdl::read_json);
        if (dump->parsed()) {
            std::cout << (format == "json" ? sel4::capdl::write_json(spec, 2) + "\n" : capdl_tool::dump_cdl(spec));
            return 0;
        }
        std::optional<sel4::capdl::KernelConfig> kernel;
        if (!kernel_config.empty()) kernel = read_file(kernel_config, sel4::capdl::read_kernel_config);
        const std::vector<std::string> problems = sel4::capdl::validate(spec, kernel ? &*kernel : nullptr);
        for (const std::string &problem : problems) std::fprintf(stderr, "sel4-capdl: %s: %s\n", spec_path.c_str(), problem.c_str());
        if (!problems.empty()) {
            std::fprintf(stderr, "sel4-capdl: %s: %zu problem%s\n", spec_path.c_str(), problems.size(), problems.size() == 1 ? "" : "s");
            return 1;
        }
        std::printf("%s: %zu objects, consistent\n", spec_path.c_str(), spec.objects.size());
    } catch (const Failure &failure) {
        std::fprintf(stderr, "sel4-capdl: %s\n", failure.what());
        return 1;
    }
    return 0;
}
