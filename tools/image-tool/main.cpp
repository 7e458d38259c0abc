// sel4-image: makes what QEMU boots from an seL4 kernel and a root task. For an aarch64 or
// riscv64 kernel that is the cpp-sel4 kernel loader with the kernel, the root task and the
// device tree attached after the loader was built, so one loader serves every system; for an
// x86_64 kernel, the kernel as a 32-bit ELF file for multiboot, beside the root task.
//
//   sel4-image --sel4-prefix DIR --root-task ELF [--loader ELF] -o OUT [--verbose]
//   sel4-image --kernel ELF --kernel-config JSON [--dtb DTB] --root-task ELF [--loader ELF] -o OUT [--verbose]
#include "layout.hpp"
#include "multiboot.hpp"

#include <cli.hpp>

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

// A file of an installed kernel (README: "The kernel prerequisite").
std::string installed(const std::string &prefix, const std::string &relative) {
    const std::string path = prefix + "/" + relative;
    if (!std::filesystem::is_regular_file(path))
        throw image_tool::LayoutError(path + ": no such file, so --sel4-prefix " + prefix +
                                      " is not an installed seL4 kernel (one has bin/kernel.elf, "
                                      "libsel4/include/kernel/gen_config.json and, on Arm and RISC-V, "
                                      "support/kernel.dtb)");
    return path;
}

void print_root_cnode(const image_tool::RootCNodeSlots &s) {
    std::printf("root CNode: %llu of %llu slots: %llu initial caps, %llu paging structures, %llu extra BootInfo frames, "
                "%llu SchedControl caps, %llu image frames, up to %llu untypeds\n",
                static_cast<unsigned long long>(s.used()), static_cast<unsigned long long>(s.slots),
                static_cast<unsigned long long>(s.initial_caps), static_cast<unsigned long long>(s.paging),
                static_cast<unsigned long long>(s.extra_boot_info), static_cast<unsigned long long>(s.sched_control),
                static_cast<unsigned long long>(s.image_frames), static_cast<unsigned long long>(s.untyped));
}

void print_placement(const std::string &what, std::uint64_t start, std::uint64_t end) {
    std::printf("[%s, %s) %s\n", image_tool::hex(start).c_str(), image_tool::hex(end).c_str(), what.c_str());
}

}  // namespace

int main(int argc, char **argv) {
    cpp_sel4_cli::Tool tool(
        "sel4-image",
        "Makes what QEMU boots from an seL4 kernel and a root task. For an aarch64 or riscv64 kernel, OUT is the "
        "cpp-sel4 kernel loader with the kernel, the root task and the device tree attached (QEMU: -kernel OUT). For "
        "an x86_64 kernel, which boots by multiboot, OUT is the kernel as a 32-bit ELF file, and the root task stays "
        "a file of its own (QEMU: -kernel OUT -initrd ROOT_TASK). Either way the root task is checked as the kernel "
        "will check it: one the kernel could not boot is refused. On any error nothing is written.");
    tool.usage("Usage: sel4-image --sel4-prefix DIR --root-task ELF [--loader ELF] -o OUT [--verbose]\n"
               "       sel4-image --kernel ELF --kernel-config JSON [--dtb DTB] --root-task ELF [--loader ELF] -o OUT "
               "[--verbose]");
    std::string prefix, kernel_path, config_path, dtb_path, loader_path, root_task_path, output;
    bool verbose = false;
    CLI::Option *prefix_option =
        tool.add_option("--sel4-prefix", prefix,
                        "The installed seL4 kernel: DIR/bin/kernel.elf, DIR/libsel4/include/kernel/gen_config.json "
                        "and, on Arm and RISC-V, DIR/support/kernel.dtb")
            ->type_name("DIR");
    for (CLI::Option *option :
         {tool.add_option("--kernel", kernel_path, "The kernel, instead of --sel4-prefix's")->type_name("ELF"),
          tool.add_option("--kernel-config", config_path, "The kernel's libsel4/include/kernel/gen_config.json")
              ->type_name("JSON"),
          tool.add_option("--dtb", dtb_path, "The device tree (Arm, RISC-V)")->type_name("DTB")})
        prefix_option->excludes(option);
    tool.add_option("--loader", loader_path, "The cpp-sel4 kernel loader (Arm, RISC-V)")->type_name("ELF");
    tool.add_option("--root-task", root_task_path, "The root task")->type_name("ELF")->required();
    tool.add_option("-o", output, "The image to write")->type_name("OUT")->required();
    tool.add_flag("--verbose", verbose, "Print where everything goes and the root CNode's slots");
    if (auto status = tool.parse_arguments({argv + 1, argv + argc}))
        return *status;
    if (prefix.empty() && (kernel_path.empty() || config_path.empty()))
        return tool.usage_error("the kernel is --sel4-prefix's, or --kernel and --kernel-config");

    try {
        if (!prefix.empty()) {
            kernel_path = installed(prefix, "bin/kernel.elf");
            config_path = installed(prefix, "libsel4/include/kernel/gen_config.json");
        }
        elf::File kernel = elf::read(kernel_path);
        const bool multiboot = kernel.machine == elf::machine_x86_64;
        if (multiboot && !(loader_path.empty() && dtb_path.empty()))
            return tool.usage_error(kernel_path + " is an x86_64 kernel, which boots by multiboot: "
                                    "no --loader, no --dtb");
        if (!multiboot && loader_path.empty())
            return tool.usage_error(kernel_path + " boots through the kernel loader: --loader is required");
        if (!multiboot && prefix.empty() && dtb_path.empty())
            return tool.usage_error(kernel_path + " boots through the kernel loader: --dtb is required");
        const image_tool::KernelConfig config = image_tool::read_kernel_config(config_path);
        elf::File root_task = elf::read(root_task_path);

        if (multiboot) {
            const image_tool::MultibootImage image = image_tool::multiboot_image({kernel, root_task, config});
            elf::write_file_atomically(output, image.kernel);
            if (verbose) {
                for (const elf::Segment &s : kernel.segments)
                    print_placement("the kernel (" + kernel_path + ")", s.physical_address,
                                    s.physical_address + s.memory_size);
                print_root_cnode(image.root_cnode);
            }
            return 0;
        }
        if (!prefix.empty()) dtb_path = installed(prefix, "support/kernel.dtb");
        image_tool::Inputs inputs{
            elf::read(loader_path), kernel, root_task, elf::read_file(dtb_path), dtb_path, config,
        };
        const image_tool::Plan plan = image_tool::plan(inputs);
        elf::write_file_atomically(output, elf::serialize(plan.image));
        if (verbose) {
            for (const auto &placement : plan.placements) print_placement(placement.what, placement.start, placement.end);
            print_root_cnode(plan.root_cnode);
        }
    } catch (const std::exception &e) {
        std::fprintf(stderr, "sel4-image: error: %s\n", e.what());
        return 1;
    }
    return 0;
}
