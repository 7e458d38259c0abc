// sel4-bindgen: reads an installed seL4 kernel's interface files and writes C++ headers.
// See emit_headers.hpp for how libsel4's names map to the generated C++.
#include "config.hpp"
#include "constants.hpp"
#include "diagnostics.hpp"
#include "emit_constants.hpp"
#include "emit_headers.hpp"
#include "emit_invocations.hpp"
#include "emit_invocations_test.hpp"
#include "emit_test.hpp"
#include "invocations.hpp"
#include "output.hpp"
#include "pbf.hpp"
#include "syscalls.hpp"

#include <cli.hpp>

#include <iostream>
#include <optional>
#include <string>

namespace {

struct Options {
    std::string prefix;
    std::string out;
    std::optional<std::string> test_dir;
    std::optional<std::string> invocation_test_dir;
    std::optional<std::string> constants_test_dir;
    std::string test_suite;
};

void generate(const Options &options) {
    using namespace sel4_bindgen;
    const std::string include = options.prefix + "/libsel4/include/";

    config::Config config;
    config.load(include + "kernel/gen_config.json");
    config.load(include + "sel4/gen_config.json");

    const std::string syscall_xml = include + "api/syscall.xml";
    const syscalls::Syscalls syscalls = syscalls::load(syscall_xml, config);

    // Relative to the include directory, as libsel4's headers are included.
    const std::vector<std::string> pbf_names = {"sel4/shared_types.pbf", "sel4/sel4_arch/types.pbf"};
    std::vector<pbf::File> files;
    Provenance bitfields_from{options.prefix, {}};
    for (const std::string &name : pbf_names) {
        files.push_back(pbf::load(include + name));
        bitfields_from.inputs.push_back(include + name);
    }

    // In the order libsel4 numbers their labels.
    std::vector<std::string> interface_paths;
    for (const char *name : {"object-api.xml", "object-api-sel4-arch.xml", "object-api-arch.xml"})
        interface_paths.push_back(include + "interfaces/" + name);
    const invocations::ObjectApi object_api = invocations::load(interface_paths, config);
    Provenance invocations_from{options.prefix, interface_paths};
    invocations_from.inputs.push_back(include + "kernel/gen_config.json");
    invocations_from.inputs.push_back(include + "sel4/gen_config.json");

    const constants::Constants constants = constants::load(c::directory_source(include), config);
    Provenance constants_from{options.prefix, {}};
    for (const auto &[relative, path] : constants.files)
        constants_from.inputs.push_back(path);
    constants_from.inputs.push_back(include + "kernel/gen_config.json");
    constants_from.inputs.push_back(include + "sel4/gen_config.json");

    OutputSet outputs;
    outputs.add(options.out + "/sel4/gen/syscalls.hpp",
                emit_syscalls_header(syscalls, {options.prefix, {syscall_xml, include + "kernel/gen_config.json",
                                                                 include + "sel4/gen_config.json"}}));
    outputs.add(options.out + "/sel4/gen/bitfields.hpp", emit_bitfields_header(files, bitfields_from));
    outputs.add(options.out + "/sel4/gen/invocations.hpp", emit_invocations_header(object_api, invocations_from));
    outputs.add(options.out + "/sel4/gen/constants.hpp", emit_constants_header(constants, constants_from));
    if (options.test_dir) {
        std::vector<TestInput> inputs;
        for (std::size_t i = 0; i < files.size(); ++i) {
            std::string header = pbf_names[i];
            header.replace(header.size() - 4, 4, "_gen.h"); // libsel4 generates X_gen.h from X.pbf
            inputs.push_back({&files[i], header});
        }
        Provenance test_from = bitfields_from;
        test_from.inputs.push_back(syscall_xml);
        outputs.add(*options.test_dir + "/bitfield_equivalence_c.c", emit_test_c(inputs, syscalls, test_from));
        outputs.add(*options.test_dir + "/bitfield_equivalence_test.cpp",
                    emit_test_cpp(inputs, syscalls, test_from, options.test_suite));
    }
    if (options.invocation_test_dir) {
        outputs.add(*options.invocation_test_dir + "/invocation_equivalence_c.c",
                    emit_invocation_test_c(object_api, invocations_from));
        outputs.add(*options.invocation_test_dir + "/invocation_equivalence_test.cpp",
                    emit_invocation_test_cpp(object_api, invocations_from, options.test_suite));
    }
    if (options.constants_test_dir) {
        outputs.add(*options.constants_test_dir + "/constants_equivalence_c.c",
                    emit_constants_test_c(constants, constants_from));
        outputs.add(*options.constants_test_dir + "/constants_equivalence_test.cpp",
                    emit_constants_test_cpp(constants, constants_from, options.test_suite));
    }
    outputs.commit();
}

} // namespace

int main(int argc, char **argv) {
    cpp_sel4_cli::Tool tool("sel4-bindgen",
                            "Writes DIR/sel4/gen/syscalls.hpp, bitfields.hpp, invocations.hpp and constants.hpp, the C++ "
                            "bindings, from the interface files of the seL4 kernel installed at KERNEL_PREFIX (its "
                            "libsel4/include).");
    Options options;
    tool.add_option("--prefix", options.prefix, "The installed kernel")->type_name("KERNEL_PREFIX")->required();
    tool.add_option("--out", options.out, "Where the headers go")->type_name("DIR")->required();
    tool.add_option("--emit-bitfield-test", options.test_dir,
                    "Also write there a GoogleTest file and a C file that check the C++ bitfields against libsel4's "
                    "generated C")
        ->type_name("DIR");
    tool.add_option("--emit-invocation-test", options.invocation_test_dir, "The same for the invocation stubs")
        ->type_name("DIR");
    tool.add_option("--emit-constants-test", options.constants_test_dir,
                    "The same for the constants, against libsel4's C headers")
        ->type_name("DIR");
    tool.add_option("--test-suite", options.test_suite, "The tests' suite (with an --emit-*-test option)")
        ->type_name("NAME");
    if (auto status = tool.parse_arguments({argv + 1, argv + argc}))
        return *status;
    const bool any_test = options.test_dir || options.invocation_test_dir || options.constants_test_dir;
    if (any_test == options.test_suite.empty())
        return tool.usage_error(any_test ? "--test-suite is required with an --emit-*-test option"
                                         : "--test-suite is only for the --emit-*-test options");
    try {
        generate(options);
    } catch (const sel4_bindgen::InputError &error) {
        std::cerr << error.what() << "\n"; // file:line: what is wrong
        return 1;
    } catch (const std::exception &error) {
        std::cerr << "sel4-bindgen: " << error.what() << "\n";
        return 1;
    }
    return 0;
}
