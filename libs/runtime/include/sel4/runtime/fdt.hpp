/// @file
/// A small reader of flattened device trees (the devicetree specification's DTB format), for
/// the few facts the runtime needs from the tree seL4 passes in the BootInfo. Every read is
/// bounds-checked: a malformed tree gives nullopt, never a fault.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

/// Reading flattened device trees (sel4/runtime/fdt.hpp).
namespace sel4_runtime::fdt {

namespace detail {
inline std::optional<std::uint32_t> be32(std::span<const std::byte> data, std::size_t offset) noexcept {
    if (offset > data.size() || data.size() - offset < 4)
        return std::nullopt;
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i)
        value = value << 8 | static_cast<std::uint32_t>(data[offset + i]);
    return value;
}
// The NUL-terminated string at `offset`, if it ends inside `data`.
inline std::optional<std::string_view> string_at(std::span<const std::byte> data, std::size_t offset) noexcept {
    for (std::size_t end = offset; end < data.size(); ++end)
        if (data[end] == std::byte{0})
            return std::string_view(reinterpret_cast<const char *>(data.data()) + offset, end - offset);
    return std::nullopt;
}
// Does node name `name` ("cpu@0") answer path component `component` ("cpu@0" or "cpu")?
inline bool names_match(std::string_view name, std::string_view component) noexcept {
    return name == component || (component.find('@') == std::string_view::npos && name.substr(0, name.find('@')) == component);
}
} // namespace detail

/// The value of property `property` of the node at `path` in `tree`, a DTB.
///
/// `path` is absolute ("/cpus"; "/" for the root). A component with a unit address
/// ("cpu@0") names that node; one without ("cpu") also names nodes with any unit address,
/// and then the first in the tree that has the property answers. Nullopt when no node has
/// it, when `path` is not absolute, or when the tree is malformed.
inline std::optional<std::span<const std::byte>> find_property(std::span<const std::byte> tree, std::string_view path,
                                                               std::string_view property) noexcept {
    enum : std::uint32_t { begin_node = 1, end_node = 2, prop = 3, nop = 4, end = 9 };
    const auto magic = detail::be32(tree, 0), total = detail::be32(tree, 4), structure = detail::be32(tree, 8),
               strings = detail::be32(tree, 12);
    if (!magic || *magic != 0xd00dfeed || !total || *total > tree.size() || !structure || !strings)
        return std::nullopt;
    tree = tree.first(*total);
    if (path.empty() || path.front() != '/')
        return std::nullopt;
    path.remove_prefix(1);
    // depth: how many nodes are open (the root is node 0); matched: the deepest open node that
    // the path names, every node above it named too.
    std::size_t depth = 0, matched = 0, offset = *structure;
    auto component = [&path](std::size_t index) {
        std::string_view rest = path;
        for (std::size_t i = 0; i < index && !rest.empty(); ++i)
            rest = rest.find('/') == std::string_view::npos ? std::string_view() : rest.substr(rest.find('/') + 1);
        return rest.substr(0, rest.find('/'));
    };
    std::size_t components = 0;
    for (std::string_view rest = path; !rest.empty(); ++components)
        rest = rest.find('/') == std::string_view::npos ? std::string_view() : rest.substr(rest.find('/') + 1);
    for (;;) {
        const auto token = detail::be32(tree, offset);
        if (!token)
            return std::nullopt;
        offset += 4;
        switch (*token) {
        case begin_node: {
            const auto name = detail::string_at(tree, offset);
            if (!name)
                return std::nullopt;
            offset += (name->size() + 1 + 3) / 4 * 4;
            // The root node (depth 0) has an empty name; node at depth d is component d-1.
            if (depth > 0 && matched == depth - 1 && depth - 1 < components &&
                detail::names_match(*name, component(depth - 1)))
                matched = depth;
            ++depth;
            break;
        }
        case end_node:
            if (depth == 0)
                return std::nullopt;
            --depth; // the node closed is at `depth`; if it matched, its parent is the last that does
            if (depth > 0 && matched == depth)
                matched = depth - 1;
            break;
        case prop: {
            const auto length = detail::be32(tree, offset), name_offset = detail::be32(tree, offset + 4);
            if (!length || !name_offset || *length > tree.size() - offset - 8)
                return std::nullopt;
            const std::size_t value = offset + 8;
            offset = value + (std::size_t{*length} + 3) / 4 * 4;
            if (depth == components + 1 && matched == components) {
                const auto name = detail::string_at(tree, std::size_t{*strings} + *name_offset);
                if (!name)
                    return std::nullopt;
                if (*name == property)
                    return tree.subspan(value, *length);
            }
            break;
        }
        case nop:
            break;
        default: // end, or not a token
            return std::nullopt;
        }
    }
}

/// The value of a property that holds one 32-bit cell, as find_property() finds it; nullopt
/// also when the value is not 4 bytes.
inline std::optional<std::uint32_t> find_u32(std::span<const std::byte> tree, std::string_view path,
                                             std::string_view property) noexcept {
    const auto value = find_property(tree, path, property);
    if (!value || value->size() != 4)
        return std::nullopt;
    return detail::be32(*value, 0);
}

} // namespace sel4_runtime::fdt
