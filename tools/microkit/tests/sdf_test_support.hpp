// What the SDF tests share: the targets the .system cases name, and the tests' own folder.
#pragma once

#include "sdf.hpp"

#include <stdexcept>
#include <string>

namespace sel4::microkit::sdf::test {

inline const std::string folder = MICROKIT_SDF_TEST_DIR "/sdf";

// The kernels of Microkit 2.3's QEMU boards, and variants for the rules that depend on them.
inline Target target(const std::string &name) {
    Target t;
    if (name == "aarch64" || name == "aarch64-smp" || name == "aarch64-iommu") {
        t.arch = "aarch64";
        t.hypervisor = true;
        t.arm_smc = true;
        t.user_vspace_top = 0xff'ffff'ffff;
        t.num_cores = name == "aarch64-smp" ? 4 : 1;
        t.iommu = name == "aarch64-iommu";
    } else if (name == "aarch64-el1") {
        t.arch = "aarch64";
        t.user_vspace_top = 0x7fff'ffff'ffff;
    } else if (name == "riscv64") {
        t.arch = "riscv64";
        t.user_vspace_top = 0x3f'ffff'efff;
    } else if (name == "x86_64" || name == "x86_64-novtx") {
        t.arch = "x86_64";
        t.user_vspace_top = 0x7fff'ffff'efff;
        t.iommu = t.vtx = name == "x86_64";
    } else {
        throw std::invalid_argument("no test target '" + name + "'");
    }
    return t;
}

} // namespace sel4::microkit::sdf::test
