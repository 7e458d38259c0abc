#include "kernel_config.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace image_tool {

KernelConfig read_kernel_config(const std::string &path) {
    std::ifstream in(path);
    if (!in) throw LayoutError(path + ": cannot open: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return parse_kernel_config(text.str(), path);
}

KernelConfig parse_kernel_config(std::string_view text, const std::string &path) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception &e) {
        throw LayoutError(path + ": not valid JSON: " + e.what());
    }
    auto need = [&](const char *key) -> const nlohmann::json & {
        if (!j.is_object() || !j.contains(key)) throw LayoutError(path + ": missing key " + key);
        return j[key];
    };
    // A number, which gen_config.json spells as a string.
    auto number = [&](const char *key, unsigned low, unsigned high) {
        const unsigned value = static_cast<unsigned>(std::stoul(need(key).get<std::string>()));
        if (value < low || value > high)
            throw LayoutError(path + ": " + key + " = " + std::to_string(value) + " is out of range");
        return value;
    };
    KernelConfig c;
    try {
        c.sel4_arch = need("SEL4_ARCH").get<std::string>();
        if (c.sel4_arch != "aarch64" && c.sel4_arch != "riscv64" && c.sel4_arch != "x86_64")
            throw LayoutError(path + ": SEL4_ARCH '" + c.sel4_arch + "' is none that sel4-image boots (aarch64, riscv64, x86_64)");
        c.num_nodes = number("MAX_NUM_NODES", 1, 64);
        // The kernel's limits (src/kernel/boot.c): below 32 - seL4_SlotBits, and a page at least.
        c.root_cnode_size_bits = number("ROOT_CNODE_SIZE_BITS", 7, 26);
        c.max_untyped_caps = number("MAX_NUM_BOOTINFO_UNTYPED_CAPS", 0, 1u << 26);
        c.mcs = need("KERNEL_MCS").get<bool>();
        if (c.sel4_arch == "aarch64") {
            c.hypervisor = need("ARM_HYPERVISOR_SUPPORT").get<bool>();
            for (unsigned bits : {40u, 44u})
                if (j.value("ARM_PA_SIZE_BITS_" + std::to_string(bits), false)) c.physical_address_bits = bits;
        }
        if (c.sel4_arch == "riscv64") c.pt_levels = number("PT_LEVELS", 3, 4);
    } catch (const LayoutError &) {
        throw;
    } catch (const std::exception &e) {
        throw LayoutError(path + ": unexpected value: " + e.what());
    }
    return c;
}

void check_machines(const KernelConfig &config, const std::vector<const elf::File *> &files) {
    const std::uint16_t machine = config.sel4_arch == "aarch64"   ? elf::machine_aarch64
                                  : config.sel4_arch == "riscv64" ? elf::machine_riscv
                                                                  : elf::machine_x86_64;
    for (const elf::File *f : files)
        if (f->machine != machine)
            throw LayoutError(f->name + ": built for " + elf::machine_name(f->machine) +
                              ", but the kernel is configured for " + config.sel4_arch);
}

Range extent(const elf::File &file, bool physical) {
    Range r{~0ull, 0};
    for (const auto &s : file.segments) {
        const std::uint64_t a = physical ? s.physical_address : s.virtual_address;
        r.start = std::min(r.start, a);
        r.end = std::max(r.end, a + s.memory_size);
    }
    return r;
}

Range user_image(const elf::File &root_task) {
    const Range r = extent(root_task, false);
    return {align_down(r.start, page), align_up(r.end, page)};
}

}  // namespace image_tool
