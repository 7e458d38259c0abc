// What the kernel's XML interface files (api/syscall.xml, interfaces/object-api*.xml) share:
// parsing with file:line errors, and <condition> elements evaluated against the configuration.
#pragma once

#include "config.hpp"

#include <tinyxml2.h>

#include <string>

namespace sel4_bindgen::xml {

// Parses `text` into `document`, or throws InputError naming path:line.
void parse(tinyxml2::XMLDocument &document, const std::string &text, const std::string &path);

struct Condition {
    bool holds = true;
    std::string text; // as libsel4's generated C tests it (`defined(CONFIG_X) && ...`), empty when none
};

// A <condition> element: empty, or one expression of <config var="CONFIG_X"/>, <not>, <and>
// and <or>, as seL4's condition.py reads them. CONFIG_X holds when gen_config.json key X is
// defined (Config::is_defined). Throws InputError naming path:line.
Condition evaluate(const tinyxml2::XMLElement &condition, const std::string &path, const config::Config &config);

} // namespace sel4_bindgen::xml
