// target_from_kernel_config: the Target from a kernel's gen_config.json. CMake writes booleans
// as JSON booleans (or null when the option does not exist for the arch) and numbers as strings.
#include "sdf.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace sel4::microkit::sdf {
namespace {

bool flag(const nlohmann::json &config, const char *key) {
    const auto it = config.find(key);
    if (it == config.end() || it->is_null())
        return false;
    if (it->is_boolean())
        return it->get<bool>();
    if (it->is_string()) {
        const auto &s = it->get_ref<const std::string &>();
        return s == "ON" || s == "1" || s == "true" || s == "TRUE";
    }
    return false;
}

std::optional<Word> number(const nlohmann::json &config, const char *key) {
    const auto it = config.find(key);
    if (it == config.end())
        return std::nullopt;
    if (it->is_number_unsigned())
        return it->get<Word>();
    if (it->is_string()) {
        const auto &s = it->get_ref<const std::string &>();
        if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        return std::stoull(s);
    }
    return std::nullopt;
}

} // namespace

Target target_from_kernel_config(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(path + ": error: cannot read the kernel configuration");
    std::stringstream text;
    text << in.rdbuf();
    const auto config = nlohmann::json::parse(text.str(), nullptr, false);
    if (config.is_discarded() || !config.is_object())
        throw Error(path + ": error: not a JSON object (a kernel's gen_config.json)");

    Target t;
    const auto arch = config.find("SEL4_ARCH");
    if (arch == config.end() || !arch->is_string())
        throw Error(path + ": error: no SEL4_ARCH in the kernel configuration");
    t.arch = arch->get<std::string>();
    if (t.arch == "aarch64") {
        t.hypervisor = flag(config, "ARM_HYPERVISOR_SUPPORT");
        t.arm_smc = flag(config, "ALLOW_SMC_CALLS");
        // seL4_UserVSpaceTop: EL2 with a 40-bit stage-2 VSpace, else the 48-bit EL0 half.
        t.user_vspace_top = t.hypervisor ? 0xff'ffff'ffff : 0x7fff'ffff'ffff;
    } else if (t.arch == "riscv64") {
        t.user_vspace_top = 0x3f'ffff'efff; // Sv39
    } else if (t.arch == "x86_64") {
        t.iommu = flag(config, "IOMMU");
        t.vtx = flag(config, "VTX");
        t.user_vspace_top = 0x7fff'ffff'efff;
    } else {
        throw Error(path + ": error: SEL4_ARCH '" + t.arch +
                    "' is not one of Microkit's (aarch64, riscv64, x86_64)");
    }
    // Microkit counts the cores only when SMP is on; MAX_NUM_NODES is 1 otherwise anyway.
    const auto nodes = number(config, "MAX_NUM_NODES");
    t.num_cores = nodes && *nodes >= 1 && *nodes <= 256 ? static_cast<unsigned>(*nodes) : 1;
    if (config.contains("ENABLE_SMP_SUPPORT") && !flag(config, "ENABLE_SMP_SUPPORT"))
        t.num_cores = 1;
    if (const auto n = number(config, "NUM_DOMAIN_SCHEDULES"); n && *n <= 0xffff'ffff)
        t.num_domain_schedules = static_cast<unsigned>(*n);
    if (const auto n = number(config, "NUM_DOMAINS"); n && *n >= 1 && *n <= 256)
        t.num_domains = static_cast<unsigned>(*n);
    return t;
}

} // namespace sel4::microkit::sdf
