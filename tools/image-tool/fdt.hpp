// What the image tool reads from a flattened device tree (DTB): the memory
// ranges of its top-level memory nodes, and the CPUs with what starting them
// needs. Malformed input is an FdtError naming the file.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace image_tool {

struct FdtError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Range {
    std::uint64_t start;
    std::uint64_t end;  // exclusive
};

std::vector<Range> fdt_memory(const std::vector<std::uint8_t> &dtb, const std::string &name);

struct Cpu {
    std::uint64_t id;           // reg: the MPIDR affinity fields (Arm) or the hart id (RISC-V)
    std::string enable_method;  // Arm: "psci", "spin-table"; empty when absent
};

struct CpuInfo {
    std::vector<Cpu> cpus;                  // /cpus/* with device_type "cpu" and no status other than "okay", in tree order
    std::string psci_method;                // /psci method: "smc", "hvc"; empty when absent
    std::uint64_t timebase_frequency = 0;   // /cpus timebase-frequency (RISC-V); 0 when absent
};

CpuInfo fdt_cpus(const std::vector<std::uint8_t> &dtb, const std::string &name);

}  // namespace image_tool
