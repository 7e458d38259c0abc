// The memory ranges a flattened device tree (DTB) declares: the reg of its
// top-level memory nodes. Malformed input is an elf::Error-like FdtError.
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

}  // namespace image_tool
