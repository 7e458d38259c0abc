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
    void string_property(const std::string &name, const std::string &text) {
        word(3);
        word(static_cast<std::uint32_t>(text.size() + 1));
        word(string_offset(name));
        bytes(text.c_str(), text.size() + 1);
        pad();
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

// A CPU node under /cpus (#address-cells 1) as QEMU's virt machines write them.
inline void cpu(Builder &b, std::uint32_t id, const std::string &enable_method, const std::string &status = "") {
    b.begin_node("cpu@" + std::to_string(id));
    if (!status.empty()) b.string_property("status", status);
    b.property("reg", {id});
    if (!enable_method.empty()) b.string_property("enable-method", enable_method);
    b.string_property("device_type", "cpu");
    b.end_node();
}

// QEMU's virt machine with `cpus` CPUs: aarch64 (PSCI over `psci_method`, a
// cpu-map node besides the CPUs) or riscv64 (timebase-frequency, per-hart
// interrupt controllers inside the CPU nodes).
inline std::vector<std::uint8_t> virt(bool aarch64, unsigned cpus, std::uint64_t memory_base, std::uint64_t memory_size,
                                      const std::string &psci_method = "smc") {
    Builder b;
    b.begin_node("");
    b.property("#address-cells", {2});
    b.property("#size-cells", {2});
    if (aarch64 && !psci_method.empty()) {
        b.begin_node("psci");
        b.property("cpu_on", {0xc4000003});
        b.string_property("method", psci_method);
        b.end_node();
    }
    b.begin_node("memory@" + std::to_string(memory_base));
    b.property("reg", {static_cast<std::uint32_t>(memory_base >> 32), static_cast<std::uint32_t>(memory_base),
                       static_cast<std::uint32_t>(memory_size >> 32), static_cast<std::uint32_t>(memory_size)});
    b.string_property("device_type", "memory");
    b.end_node();
    b.begin_node("cpus");
    b.property("#size-cells", {0});
    b.property("#address-cells", {1});
    if (!aarch64) b.property("timebase-frequency", {10000000});
    if (aarch64) {
        b.begin_node("cpu-map");
        b.begin_node("cluster0");
        b.begin_node("core0");
        b.property("cpu", {0x8001});
        b.end_node();
        b.end_node();
        b.end_node();
    }
    for (unsigned i = 0; i < cpus; ++i) {
        if (aarch64) {
            cpu(b, i, "psci");
        } else {
            b.begin_node("cpu@" + std::to_string(i));
            b.string_property("device_type", "cpu");
            b.property("reg", {i});
            b.string_property("status", "okay");
            b.begin_node("interrupt-controller");
            b.property("reg", {7, 7});  // not a CPU's reg: must be ignored
            b.end_node();
            b.end_node();
        }
    }
    b.end_node();
    b.end_node();
    return b.finish();
}

}  // namespace test_fdt
