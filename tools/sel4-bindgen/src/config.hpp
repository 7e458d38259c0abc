// A kernel's configuration: libsel4/include/kernel/gen_config.json and
// libsel4/include/sel4/gen_config.json, flat JSON objects whose keys are the CONFIG_ names
// without the prefix and whose values are booleans or strings.
#pragma once

#include <map>
#include <string>
#include <variant>

namespace sel4_bindgen::config {

using Value = std::variant<bool, std::string>;

class Config {
public:
    // Adds the entries of one gen_config.json; a key already present is an error.
    void load(const std::string &path);
    void parse(const std::string &text, const std::string &path);

    // Whether CONFIG_<key> is defined in the matching gen_config.h: true booleans and every
    // string are, false booleans and missing keys are not. Conditions in the interface files
    // (`<config var="CONFIG_X"/>`) test exactly this.
    bool is_defined(const std::string &key) const;

    // The macros gen_config.h defines: CONFIG_<key> and its replacement text ("1" for a true
    // boolean, the string itself otherwise; false booleans define nothing).
    std::map<std::string, std::string> defines() const;

private:
    std::map<std::string, Value> entries_;
    std::map<std::string, std::string> origin_; // key -> file:line, for duplicate reports
};

} // namespace sel4_bindgen::config
