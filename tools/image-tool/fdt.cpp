#include "fdt.hpp"

#include <functional>
#include <string_view>

namespace image_tool {

namespace {

constexpr std::uint32_t fdt_magic = 0xd00dfeed;
constexpr std::uint32_t token_begin_node = 1, token_end_node = 2, token_prop = 3, token_nop = 4, token_end = 9;

class Cursor {
public:
    Cursor(const std::vector<std::uint8_t> &bytes, const std::string &name) : bytes_(bytes), name_(name) {}

    std::uint32_t be32(std::uint64_t offset) const {
        need(offset, 4);
        return std::uint32_t(bytes_[offset]) << 24 | std::uint32_t(bytes_[offset + 1]) << 16 |
               std::uint32_t(bytes_[offset + 2]) << 8 | bytes_[offset + 3];
    }
    // n cells (1 or 2) as one number.
    std::uint64_t cells(std::uint64_t offset, std::uint32_t n) const {
        return n == 2 ? std::uint64_t(be32(offset)) << 32 | be32(offset + 4) : std::uint64_t(be32(offset));
    }
    std::string_view string_at(std::uint64_t offset, std::uint64_t limit) const {
        if (offset >= limit || limit > bytes_.size()) fail("string at offset " + std::to_string(offset) + " is outside its block");
        auto start = reinterpret_cast<const char *>(bytes_.data() + offset);
        std::string_view rest(start, limit - offset);
        auto end = rest.find('\0');
        if (end == std::string_view::npos) fail("unterminated string at offset " + std::to_string(offset));
        return rest.substr(0, end);
    }
    void need(std::uint64_t offset, std::uint64_t size) const {
        if (offset > bytes_.size() || size > bytes_.size() - offset)
            fail("offset " + std::to_string(offset) + " (+" + std::to_string(size) + ") is past the end of the blob");
    }
    [[noreturn]] void fail(const std::string &what) const { throw FdtError(name_ + ": device tree: " + what); }

private:
    const std::vector<std::uint8_t> &bytes_;
    const std::string &name_;
};

std::uint64_t align4(std::uint64_t v) { return (v + 3) & ~std::uint64_t(3); }

struct Property {
    std::string_view name;
    std::uint64_t value;   // offset of the value in the blob
    std::uint64_t length;
};

// Walks the structure block. For each node: begin(path) on entry, end(path)
// on exit; property(path, p) for each of its properties. path holds the
// names of the enclosing nodes, root ("") first.
struct Visitor {
    std::function<void(const std::vector<std::string_view> &)> begin, end;
    std::function<void(const std::vector<std::string_view> &, const Property &)> property;
};

void walk(const Cursor &c, std::uint64_t blob_size, const Visitor &v) {
    if (blob_size < 40 || c.be32(0) != fdt_magic) c.fail("not a flattened device tree (bad magic)");
    std::uint64_t total = c.be32(4);
    if (total > blob_size) c.fail("header says " + std::to_string(total) + " bytes, file has " + std::to_string(blob_size));
    std::uint64_t structure = c.be32(8), strings = c.be32(12);
    std::uint64_t strings_size = c.be32(32), structure_size = c.be32(36);
    if (structure + structure_size > total || strings + strings_size > total) c.fail("blocks lie outside the blob");

    std::vector<std::string_view> path;
    std::uint64_t at = structure, end = structure + structure_size;
    while (true) {
        if (at + 4 > end) c.fail("structure block ends without FDT_END");
        std::uint32_t token = c.be32(at);
        at += 4;
        if (token == token_begin_node) {
            auto node = c.string_at(at, end);
            at = align4(at + node.size() + 1);
            path.push_back(node);
            if (v.begin) v.begin(path);
        } else if (token == token_end_node) {
            if (path.empty()) c.fail("unbalanced FDT_END_NODE");
            if (v.end) v.end(path);
            path.pop_back();
        } else if (token == token_prop) {
            if (path.empty()) c.fail("property outside any node");
            std::uint64_t length = c.be32(at), name_offset = c.be32(at + 4);
            at += 8;
            if (at + length > end) c.fail("property value runs past the structure block");
            auto name = c.string_at(strings + name_offset, strings + strings_size);
            if (v.property) v.property(path, Property{name, at, length});
            at = align4(at + length);
        } else if (token == token_nop) {
        } else if (token == token_end) {
            break;
        } else {
            c.fail("unknown token " + std::to_string(token) + " at offset " + std::to_string(at - 4));
        }
    }
    if (!path.empty()) c.fail("FDT_END inside a node");
}

// #address-cells / #size-cells: one cell of value 1 or 2.
std::uint32_t cell_count(const Cursor &c, const Property &p) {
    if (p.length != 4) c.fail(std::string(p.name) + " is not one cell");
    auto cells = c.be32(p.value);
    if (cells < 1 || cells > 2) c.fail(std::string(p.name) + " = " + std::to_string(cells) + " is not supported");
    return cells;
}

// The first string of a string (list) property.
std::string first_string(const Cursor &c, const Property &p) {
    if (p.length == 0) c.fail(std::string(p.name) + " is empty, expected a string");
    return std::string(c.string_at(p.value, p.value + p.length));
}

bool named(std::string_view node, std::string_view name) {
    return node == name || (node.starts_with(name) && node.size() > name.size() && node[name.size()] == '@');
}

}  // namespace

std::vector<Range> fdt_memory(const std::vector<std::uint8_t> &dtb, const std::string &name) {
    Cursor c(dtb, name);
    std::uint32_t address_cells = 2, size_cells = 1;  // the specification's defaults
    std::vector<Range> memory;
    Visitor v;
    v.property = [&](const std::vector<std::string_view> &path, const Property &p) {
        if (path.size() == 1 && (p.name == "#address-cells" || p.name == "#size-cells")) {
            (p.name == "#address-cells" ? address_cells : size_cells) = cell_count(c, p);
        } else if (path.size() == 2 && named(path[1], "memory") && p.name == "reg") {
            std::uint64_t entry = 4 * (address_cells + size_cells);
            if (p.length % entry != 0)
                c.fail("memory reg length " + std::to_string(p.length) + " is not a multiple of " + std::to_string(entry));
            for (std::uint64_t q = p.value; q < p.value + p.length; q += entry) {
                std::uint64_t base = c.cells(q, address_cells), size = c.cells(q + 4 * address_cells, size_cells);
                if (base + size < base) c.fail("memory range wraps around");
                if (size != 0) memory.push_back({base, base + size});
            }
        }
    };
    walk(c, dtb.size(), v);
    if (memory.empty()) c.fail("no memory node");
    return memory;
}

CpuInfo fdt_cpus(const std::vector<std::uint8_t> &dtb, const std::string &name) {
    Cursor c(dtb, name);
    CpuInfo info;
    std::uint32_t address_cells = 2;  // of /cpus: the specification's default
    // The /cpus child being read; its properties may come in any order.
    struct Pending {
        bool is_cpu = false, has_reg = false, enabled = true;
        Cpu cpu{};
    } pending;
    auto in_cpus = [](const std::vector<std::string_view> &path) { return path.size() >= 2 && path[1] == "cpus"; };
    Visitor v;
    v.begin = [&](const std::vector<std::string_view> &path) {
        if (path.size() == 3 && in_cpus(path)) pending = Pending{};
    };
    v.end = [&](const std::vector<std::string_view> &path) {
        if (path.size() != 3 || !in_cpus(path) || !pending.is_cpu || !pending.enabled) return;
        if (!pending.has_reg) c.fail("CPU node /cpus/" + std::string(path[2]) + " has no reg");
        info.cpus.push_back(pending.cpu);
    };
    v.property = [&](const std::vector<std::string_view> &path, const Property &p) {
        if (path.size() == 2 && path[1] == "psci" && p.name == "method") {
            info.psci_method = first_string(c, p);
        } else if (path.size() == 2 && in_cpus(path)) {
            if (p.name == "#address-cells") address_cells = cell_count(c, p);
            if (p.name == "timebase-frequency") {
                if (p.length != 4 && p.length != 8) c.fail("/cpus timebase-frequency is not one or two cells");
                info.timebase_frequency = c.cells(p.value, static_cast<std::uint32_t>(p.length / 4));
            }
        } else if (path.size() == 3 && in_cpus(path)) {
            if (p.name == "device_type") {
                pending.is_cpu = first_string(c, p) == "cpu";
            } else if (p.name == "status") {
                auto status = first_string(c, p);
                pending.enabled = status == "okay" || status == "ok";
            } else if (p.name == "enable-method") {
                pending.cpu.enable_method = first_string(c, p);
            } else if (p.name == "reg") {
                // A CPU has one address: #address-cells of /cpus, no size.
                if (p.length != 4 * address_cells)
                    c.fail("reg of /cpus/" + std::string(path[2]) + " is " + std::to_string(p.length) + " bytes, expected " +
                           std::to_string(4 * address_cells) + " (#address-cells of /cpus)");
                pending.cpu.id = c.cells(p.value, address_cells);
                pending.has_reg = true;
            }
        }
    };
    walk(c, dtb.size(), v);
    return info;
}

}  // namespace image_tool
