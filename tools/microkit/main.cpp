// sel4-microkit: Microkit 2.3's system builder, with its command line:
//   sel4-microkit SYSTEM --board BOARD --config CONFIG [--search-path DIR...] [-o loader.img]
//                 [-r report.txt] [--capdl-json spec.json] [--viper-output DIR] [--image-type binary|elf|uimage]
//                 [--override-kernel ELF] [--report-json report.json]
// It reads the SDK of the board and configuration ($MICROKIT_SDK, or the directory above the
// tool's bin/): board/<board>/<config>/{elf/{sel4.elf,loader.elf,initialiser.elf,monitor.elf},
// include/kernel/gen_config.json, support/kernel.dtb}. The system description is checked
// (tools/microkit/sdf.hpp), the ELFs patched in copies, the CapDL spec built (system.hpp) and
// attached to the initializer (sel4-capdl add-spec's code), and the image made by sel4-image,
// which the SDK has beside this tool: for aarch64 and riscv64 the kernel loader with the kernel
// and the initializer; for x86_64 the initializer as the multiboot module (OUT) with sel4.elf and
// sel4_32.elf beside it, as Microkit does. Any error: a message, exit status 1, no output.
#include "report.hpp"
#include "sdf.hpp"
#include "system.hpp"

#include "add_spec.hpp"
#include "elf_file.hpp"
#include "fdt.hpp"
#include "kernel_config.hpp"

#include <cli.hpp>
#include <sel4/capdl/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <zlib.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using sel4::microkit::BuildError;

struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::string read_text(const fs::path &path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw Failure("cannot read '" + path.string() + "'");
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

// The SDK: $MICROKIT_SDK, else the directory above the one this program is in.
fs::path sdk_dir() {
    if (const char *sdk = std::getenv("MICROKIT_SDK")) {
        if (!fs::is_directory(sdk)) throw Failure(std::string("The MICROKIT_SDK directory '") + sdk + "' does not exist");
        return sdk;
    }
    return fs::canonical("/proc/self/exe").parent_path().parent_path();
}

// A temporary directory, removed with everything in it.
class WorkDir {
public:
    WorkDir() {
        std::string pattern = (fs::temp_directory_path() / "sel4-microkit.XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw Failure("cannot make a temporary directory");
        path_ = pattern;
    }
    ~WorkDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    WorkDir(const WorkDir &) = delete;
    WorkDir &operator=(const WorkDir &) = delete;
    const fs::path &path() const { return path_; }

private:
    fs::path path_;
};

// Runs a program and waits; its output goes to ours. Its exit status is a Failure when not 0.
void run(const std::vector<std::string> &command) {
    std::vector<char *> argv;
    for (const std::string &arg : command) argv.push_back(const_cast<char *>(arg.c_str()));
    argv.push_back(nullptr);
    std::cout.flush();
    const pid_t pid = ::fork();
    if (pid < 0) throw Failure("cannot start " + command.front());
    if (pid == 0) {
        ::execv(argv[0], argv.data());
        std::cerr << "sel4-microkit: error: cannot run " << command.front() << "\n";
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw Failure(command.front() + " failed");
}

// The image in the format asked for (--image-type; Microkit's default for the arch when not
// given): the ELF file sel4-image writes; a raw binary of its segments from the lowest
// address, which is its entry (QEMU: -device loader,file=IMG,addr=<that address>,cpu-num=0); or
// a U-Boot legacy uImage (riscv64) whose payload is a Linux RISC-V image header followed by
// that binary, loaded so that the binary lands at its address.
std::vector<std::uint8_t> image_bytes(const fs::path &elf_path, const std::string &type, const std::string &arch) {
    std::vector<std::uint8_t> bytes = elf::read_file(elf_path.string());
    if (type == "elf") return bytes;
    const elf::File image = elf::parse(bytes, elf_path.string());
    std::uint64_t low = ~std::uint64_t{0}, high = 0;
    for (const elf::Segment &segment : image.segments) {
        low = std::min(low, segment.physical_address);
        high = std::max(high, segment.physical_address + segment.data.size());
    }
    if (image.entry != low) throw Failure("the image's entry is not at its lowest address: no raw binary of it boots");
    std::vector<std::uint8_t> binary(high - low, 0);
    for (const elf::Segment &segment : image.segments)
        std::copy(segment.data.begin(), segment.data.end(), binary.begin() + static_cast<std::ptrdiff_t>(segment.physical_address - low));
    if (type == "binary") return binary;
    if (arch != "riscv64") throw Failure("uImage output is for riscv64 only");
    if (high > 0xffff'ffff) throw Failure("the image does not fit the uImage's 32-bit addresses");
    auto put = [](std::vector<std::uint8_t> &out, std::size_t at, std::uint64_t value, unsigned size, bool big) {
        for (unsigned i = 0; i < size; ++i)
            out[at + i] = static_cast<std::uint8_t>(value >> (8 * (big ? size - 1 - i : i)));
    };
    constexpr std::size_t linux_header = 64, uimage_header = 64;
    std::vector<std::uint8_t> payload(linux_header, 0);
    put(payload, 16, binary.size(), 8, false);       // image_size
    put(payload, 32, 2, 4, false);                   // version
    put(payload, 48, 0x5643534952, 8, false);        // magic "RISCV"
    put(payload, 56, 0x05435352, 4, false);          // magic2 "RSC\x05"
    payload.insert(payload.end(), binary.begin(), binary.end());
    std::vector<std::uint8_t> out(uimage_header, 0);
    put(out, 0, 0x27051956, 4, true);                // ih_magic
    put(out, 12, payload.size(), 4, true);           // ih_size
    put(out, 16, low - linux_header, 4, true);       // ih_load: the binary at its own address
    put(out, 20, low, 4, true);                      // ih_ep
    put(out, 24, ::crc32(0, payload.data(), static_cast<uInt>(payload.size())), 4, true); // ih_dcrc
    out[28] = 5;                                     // ih_os: Linux
    out[29] = 26;                                    // ih_arch: RISC-V
    out[30] = 2;                                     // ih_type: kernel
    const std::string name = "cpp-sel4 Microkit system";
    std::copy(name.begin(), name.end(), out.begin() + 32);
    put(out, 4, ::crc32(0, out.data(), static_cast<uInt>(uimage_header)), 4, true); // ih_hcrc, over the header with it 0
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

// The outputs, written together: each is first written beside its place under a temporary
// name, and only when all of them are there are they renamed into place. A failure on the way
// removes what was written.
class Outputs {
public:
    void add(const fs::path &path, std::vector<std::uint8_t> bytes) { files_.push_back({path, std::move(bytes)}); }
    void add_copy(const fs::path &path, const fs::path &from) { add(path, elf::read_file(from.string())); }
    void add_text(const fs::path &path, const std::string &text) {
        add(path, std::vector<std::uint8_t>(text.begin(), text.end()));
    }
    void add_directory(const fs::path &dir) { directories_.push_back(dir); }

    void commit() {
        std::vector<fs::path> staged;
        try {
            for (const fs::path &dir : directories_) {
                if (fs::exists(dir) && !fs::is_directory(dir))
                    throw Failure("'" + dir.string() + "' exists and is not a directory");
            }
            for (const File &file : files_) {
                const fs::path temporary = file.path.string() + ".sel4-microkit-partial";
                if (!file.path.parent_path().empty() && !fs::is_directory(file.path.parent_path()) &&
                    std::find(directories_.begin(), directories_.end(), file.path.parent_path()) == directories_.end())
                    throw Failure("cannot write '" + file.path.string() + "': no directory '" +
                                  file.path.parent_path().string() + "'");
                if (!file.path.parent_path().empty()) fs::create_directories(file.path.parent_path());
                std::ofstream out(temporary, std::ios::binary);
                out.write(reinterpret_cast<const char *>(file.bytes.data()), static_cast<std::streamsize>(file.bytes.size()));
                staged.push_back(temporary);
                if (!out.flush()) throw Failure("cannot write '" + file.path.string() + "'");
            }
        } catch (...) {
            std::error_code ignored;
            for (const fs::path &temporary : staged) fs::remove(temporary, ignored);
            throw;
        }
        for (std::size_t i = 0; i < files_.size(); ++i) {
            fs::permissions(staged[i], fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                           fs::perms::others_read);
            fs::rename(staged[i], files_[i].path);
        }
    }

private:
    struct File {
        fs::path path;
        std::vector<std::uint8_t> bytes;
    };
    std::vector<File> files_;
    std::vector<fs::path> directories_;
};

} // namespace

int main(int argc, char **argv) {
    cpp_sel4_cli::Tool tool("sel4-microkit", "Builds a bootable image of a Microkit system: Microkit 2.3's tool, "
                                             "for cpp-sel4's SDK (a Microkit project's Makefile works unchanged).");
    tool.usage("Usage: sel4-microkit SYSTEM --board BOARD --config CONFIG [--search-path DIR...] [-o OUT] [-r REPORT]\n"
               "                            [--capdl-json JSON] [--viper-output DIR] [--image-type TYPE] [--override-kernel ELF]\n"
               "                            [--report-json JSON]");
    std::string system_path, board, config, output = "loader.img", report_path = "report.txt", capdl_json, viper_dir,
                                            image_type, override_kernel, report_json;
    std::vector<std::string> search_path;
    tool.add_option("SYSTEM", system_path, "The system description (.system)")->required();
    tool.add_option("--board", board, "The board, as the SDK's board/ directory names them")->required();
    tool.add_option("--config", config, "The configuration (debug)")->required();
    tool.add_option("--search-path", search_path, "Where program images and prefill files are looked for")
        ->expected(0, -1)
        ->type_name("DIR...");
    tool.add_option("-o,--output", output, "The image to write (default loader.img)");
    tool.add_option("-r,--report", report_path, "The report to write (default report.txt)");
    tool.add_option("--capdl-json", capdl_json, "Also write the CapDL spec as JSON");
    tool.add_option("--viper-output", viper_dir, "Also write the system's capabilities for verification (a directory)");
    tool.add_option("--image-type", image_type,
                    "The image's format: binary (aarch64's default), uimage (riscv64's) or elf (x86_64's, and the "
                    "format sel4_qemu_run boots with -kernel)");
    tool.add_option("--override-kernel", override_kernel, "Use this kernel ELF instead of the SDK's");
    tool.add_option("--report-json", report_json, "Also write the report as JSON");
    if (auto status = tool.parse_arguments(std::vector<std::string>(argv + 1, argv + argc))) return *status;
    if (!image_type.empty() && image_type != "elf" && image_type != "binary" && image_type != "uimage")
        return tool.usage_error("--image-type " + image_type + ": the image types are binary, elf and uimage");

    try {
        const fs::path sdk = sdk_dir();
        const fs::path boards = sdk / "board";
        if (!fs::is_directory(boards / board)) {
            std::string known;
            std::error_code error;
            for (const auto &entry : fs::directory_iterator(boards, error)) known += " " + entry.path().filename().string();
            throw Failure("unknown board '" + board + "'; the SDK at " + sdk.string() + " has:" + known);
        }
        const fs::path dir = boards / board / config;
        if (!fs::is_directory(dir)) {
            std::string known;
            std::error_code error;
            for (const auto &entry : fs::directory_iterator(boards / board, error)) known += " " + entry.path().filename().string();
            throw Failure("board '" + board + "' has no configuration '" + config + "'; it has:" + known);
        }
        const fs::path gen_config = dir / "include/kernel/gen_config.json";
        const fs::path kernel = override_kernel.empty() ? dir / "elf/sel4.elf" : fs::path(override_kernel);
        for (const fs::path &file : {gen_config, kernel, dir / "elf/initialiser.elf", dir / "elf/monitor.elf"})
            if (!fs::exists(file)) throw Failure("the SDK's '" + file.string() + "' does not exist");

        const sel4::microkit::sdf::Target target = sel4::microkit::sdf::target_from_kernel_config(gen_config.string());
        search_path.push_back(fs::current_path().string());
        const sel4::microkit::sdf::SystemDescription system =
            sel4::microkit::sdf::parse_file(system_path, target, search_path);
        for (const std::string &warning : system.warnings) std::cerr << warning << "\n";

        sel4::microkit::BuildInputs inputs;
        inputs.system = &system;
        inputs.target = target;
        inputs.kernel = sel4::capdl::read_kernel_config(read_text(gen_config), gen_config.string());
        inputs.monitor_elf = (dir / "elf/monitor.elf").string();
        const bool loader_boot = target.arch != "x86_64";
        // Microkit's defaults: aarch64 binary, riscv64 uImage, x86_64 ELF (the multiboot module).
        if (image_type.empty()) image_type = target.arch == "aarch64" ? "binary" : target.arch == "riscv64" ? "uimage" : "elf";
        if ((image_type == "binary" && !loader_boot) || (image_type == "uimage" && target.arch != "riscv64"))
            throw Failure("--image-type " + image_type + " is not available for " + target.arch);
        if (loader_boot) {
            const fs::path dtb = dir / "support/kernel.dtb";
            for (const auto &range : image_tool::fdt_memory(elf::read_file(dtb.string()), dtb.string()))
                inputs.ram.emplace_back(range.start, range.end);
            // seL4 makes the initial thread's objects (its root CNode first) at the top of the
            // highest free region: the MRs whose address the tool picks stay below them.
            const image_tool::KernelConfig kernel_config = image_tool::read_kernel_config(gen_config.string());
            const std::uint64_t reserved = (std::uint64_t{1} << (kernel_config.root_cnode_size_bits + 5)) + (32u << 20);
            if (!inputs.ram.empty() && inputs.ram.back().second - inputs.ram.back().first > reserved)
                inputs.ram.back().second -= reserved;
        }
        WorkDir work;
        const fs::path fills = work.path() / "fill";
        fs::create_directories(fills);
        inputs.work_dir = fills.string();
        const sel4::microkit::BuiltSystem built = sel4::microkit::build_system(inputs);

        const fs::path spec = work.path() / "spec.json";
        {
            std::ofstream out(spec);
            out << sel4::capdl::write_json(built.spec);
            if (!out) throw Failure("cannot write " + spec.string());
        }
        const fs::path initializer = work.path() / "initialiser.elf";
        capdl_tool::AddSpecOptions add{.initializer = (dir / "elf/initialiser.elf").string(),
                                       .spec = spec.string(),
                                       .fill_dir = fills.string(),
                                       .kernel_config = gen_config.string(),
                                       .output = initializer.string()};
        const capdl_tool::AddSpecReport attached = capdl_tool::add_spec(add);
        std::cout << "MICROKIT|CAPDL SPEC: number of root objects = " << built.spec.root_objects.end
                  << ", spec footprint = " << attached.spec_bytes + attached.fill_bytes << " bytes\n";

        const fs::path image_tool = fs::canonical("/proc/self/exe").parent_path() / "sel4-image";
        const fs::path out_dir = fs::absolute(output).parent_path();
        const fs::path staged = work.path() / "image";
        std::vector<std::string> command{image_tool.string(), "--kernel",    kernel.string(), "--kernel-config",
                                         gen_config.string(), "--root-task", initializer.string()};
        if (loader_boot) {
            command.insert(command.end(), {"--dtb", (dir / "support/kernel.dtb").string(), "--loader",
                                           (dir / "elf/loader.elf").string()});
        }
        command.insert(command.end(), {"-o", staged.string()});
        run(command);

        // Every output is made in the work directory first, then copied to its place: an error
        // up to here leaves nothing behind.
        const sel4::microkit::Report report = sel4::microkit::make_report(system, built, attached);
        std::ostringstream text;
        sel4::microkit::write_report_text(report, text);
        const std::string report_text = text.str(), json = sel4::microkit::report_json(report);
        if (!viper_dir.empty()) sel4::microkit::write_viper(system, built, (work.path() / "viper").string());
        Outputs outputs;
        if (loader_boot) {
            outputs.add(output, image_bytes(staged, image_type, target.arch));
        } else {
            outputs.add_copy(output, initializer);
            outputs.add_copy(out_dir / "sel4_32.elf", staged);
            outputs.add_copy(out_dir / "sel4.elf", kernel);
        }
        outputs.add_text(report_path, report_text);
        if (!report_json.empty()) outputs.add_text(report_json, json);
        if (!capdl_json.empty()) outputs.add_copy(capdl_json, spec);
        if (!viper_dir.empty()) {
            outputs.add_directory(viper_dir);
            for (const auto &entry : fs::directory_iterator(work.path() / "viper"))
                outputs.add_copy(fs::path(viper_dir) / entry.path().filename(), entry.path());
        }
        outputs.commit();
        std::cout << "MICROKIT|" << (loader_boot ? "LOADER: image file size = " : "BOOT MODULE: image file size = ")
                  << fs::file_size(output) << "\n";
        return 0;
    } catch (const sel4::microkit::sdf::Error &error) {
        std::cerr << error.what() << "\n";
    } catch (const BuildError &error) {
        std::cerr << "sel4-microkit: error: " << error.what() << "\n";
    } catch (const capdl_tool::AddSpecError &error) {
        std::cerr << "sel4-microkit: error: " << error.what() << "\n";
    } catch (const elf::Error &error) {
        std::cerr << "sel4-microkit: error: " << error.what() << "\n";
    } catch (const Failure &error) {
        std::cerr << "sel4-microkit: error: " << error.what() << "\n";
    } catch (const std::exception &error) {
        std::cerr << "sel4-microkit: error: " << error.what() << "\n";
    }
    return 1;
}
