// Builds small flattened device trees for tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace test_fdt {

class Builder {
public:
    void begin_node(const std::string &name) {
        word(1);
        bytes(name.c_str(), name.size() + 1);
        pad();
    }
    void end_node() { word(2); }
    void property(const std::string &name, const std::vector<std::uint32_t> &cells) {
        word(3);
        word(static_cast<std::uint32_t>(cells.size() * 4));
        word(string_offset(name));
        for (auto c : cells) word(c);
    }
    std::vector<std::uint8_t> finish() {
        word(9);
        std::vector<std::uint8_t> out;
        auto be = [&](std::uint32_t v) {
            for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(v >> s));
        };
        const std::uint32_t header = 40, structure_offset = header, strings_offset = header + static_cast<std::uint32_t>(structure_.size());
        const std::uint32_t total = strings_offset + static_cast<std::uint32_t>(strings_.size());
        for (std::uint32_t v : {0xd00dfeedu, total, structure_offset, strings_offset, header, 17u, 16u, 0u,
                                static_cast<std::uint32_t>(strings_.size()), static_cast<std::uint32_t>(structure_.size())})
            be(v);
        out.insert(out.end(), structure_.begin(), structure_.end());
        out.insert(out.end(), strings_.begin(), strings_.end());
        return out;
    }

private:
    void word(std::uint32_t v) {
        for (int s = 24; s >= 0; s -= 8) structure_.push_back(static_cast<std::uint8_t>(v >> s));
    }
    void bytes(const char *p, std::size_t n) { structure_.insert(structure_.end(), p, p + n); }
    void pad() {
        while (structure_.size() % 4) structure_.push_back(0);
    }
    std::uint32_t string_offset(const std::string &name) {
        auto offset = static_cast<std::uint32_t>(strings_.size());
        strings_.insert(strings_.end(), name.begin(), name.end());
        strings_.push_back(0);
        return offset;
    }
    std::vector<std::uint8_t> structure_, strings_;
};

// A tree like QEMU's virt machine: root cells 2/2, one memory node.
inline std::vector<std::uint8_t> with_memory(std::uint64_t base, std::uint64_t size) {
    Builder b;
    b.begin_node("");
    b.property("#address-cells", {2});
    b.property("#size-cells", {2});
    b.begin_node("chosen");
    b.end_node();
    b.begin_node("memory@" + std::to_string(base));
    b.property("reg", {static_cast<std::uint32_t>(base >> 32), static_cast<std::uint32_t>(base),
                       static_cast<std::uint32_t>(size >> 32), static_cast<std::uint32_t>(size)});
    b.end_node();
    b.end_node();
    return b.finish();
}

}  // namespace test_fdt
