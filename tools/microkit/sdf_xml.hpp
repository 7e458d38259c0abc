// The SDF's XML as a small tree, read with expat: elements with their attributes (in document
// order) and where each starts. Text other than whitespace is refused while reading, as
// Microkit refuses it, so the tree holds elements only.
#pragma once

#include "sdf.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace sel4::microkit::sdf::xml {

struct Element {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::vector<std::unique_ptr<Element>> children;
    Location where;

    const std::string *attribute(const std::string &key) const {
        for (const auto &[k, v] : attributes)
            if (k == key)
                return &v;
        return nullptr;
    }
};

// Deeper nesting than this is refused (the parser walks the tree recursively).
inline constexpr unsigned max_depth = 128;

// The root element of `text`; an Error "file:line:col: error: ..." if it is not well-formed.
std::unique_ptr<Element> read(const std::string &text, const std::string &file);

} // namespace sel4::microkit::sdf::xml
