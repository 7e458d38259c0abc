// sel4-capdl: CapDL specs on the host.
//   sel4-capdl check SPEC [--kernel-config gen_config.json]
//                                            reads and validates a spec (JSON); lists every problem,
//                                            with the kernel's rules too when its configuration is given
//   sel4-capdl dump SPEC [--format cdl|json] writes the spec as readable text, or as normalised JSON
// A problem with the spec, or a file that cannot be read, ends with status 1; a wrong command line
// with status 2 (tools/cli). Nothing is written but to standard output and standard error.
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
    if (auto status = tool.parse_arguments({argv + 1, argv + argc})) return *status;

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
