#include "fdt.hpp"

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

}  // namespace

std::vector<Range> fdt_memory(const std::vector<std::uint8_t> &dtb, const std::string &name) {
    Cursor c(dtb, name);
    if (dtb.size() < 40 || c.be32(0) != fdt_magic) c.fail("not a flattened device tree (bad magic)");
    std::uint64_t total = c.be32(4);
    if (total > dtb.size()) c.fail("header says " + std::to_string(total) + " bytes, file has " + std::to_string(dtb.size()));
    std::uint64_t structure = c.be32(8), strings = c.be32(12);
    std::uint64_t strings_size = c.be32(32), structure_size = c.be32(36);
    if (structure + structure_size > total || strings + strings_size > total) c.fail("blocks lie outside the blob");

    std::uint32_t address_cells = 2, size_cells = 1;  // the specification's defaults
    std::vector<Range> memory;
    int depth = 0;
    bool in_memory_node = false;
    std::uint64_t at = structure, end = structure + structure_size;
    while (true) {
        if (at + 4 > end) c.fail("structure block ends without FDT_END");
        std::uint32_t token = c.be32(at);
        at += 4;
        if (token == token_begin_node) {
            auto node = c.string_at(at, end);
            at = align4(at + node.size() + 1);
            ++depth;
            in_memory_node = depth == 2 && (node == "memory" || node.starts_with("memory@"));
        } else if (token == token_end_node) {
            if (--depth < 0) c.fail("unbalanced FDT_END_NODE");
            in_memory_node = false;
        } else if (token == token_prop) {
            std::uint64_t length = c.be32(at), name_offset = c.be32(at + 4);
            at += 8;
            if (at + length > end) c.fail("property value runs past the structure block");
            auto property = c.string_at(strings + name_offset, strings + strings_size);
            if (depth == 1 && (property == "#address-cells" || property == "#size-cells")) {
                if (length != 4) c.fail(std::string(property) + " is not one cell");
                auto cells = c.be32(at);
                if (cells < 1 || cells > 2) c.fail(std::string(property) + " = " + std::to_string(cells) + " is not supported");
                (property == "#address-cells" ? address_cells : size_cells) = cells;
            } else if (in_memory_node && property == "reg") {
                std::uint64_t entry = 4 * (address_cells + size_cells);
                if (length % entry != 0) c.fail("memory reg length " + std::to_string(length) + " is not a multiple of " + std::to_string(entry));
                for (std::uint64_t p = at; p < at + length; p += entry) {
                    auto read_cells = [&](std::uint64_t q, std::uint32_t n) {
                        return n == 2 ? std::uint64_t(c.be32(q)) << 32 | c.be32(q + 4) : std::uint64_t(c.be32(q));
                    };
                    std::uint64_t base = read_cells(p, address_cells), size = read_cells(p + 4 * address_cells, size_cells);
                    if (base + size < base) c.fail("memory range wraps around");
                    if (size != 0) memory.push_back({base, base + size});
                }
            }
            at = align4(at + length);
        } else if (token == token_nop) {
        } else if (token == token_end) {
            break;
        } else {
            c.fail("unknown token " + std::to_string(token) + " at offset " + std::to_string(at - 4));
        }
    }
    if (depth != 0) c.fail("FDT_END inside a node");
    if (memory.empty()) c.fail("no memory node");
    return memory;
}

}  // namespace image_tool
