// A spec as JSON: the InputSpec form that rust-sel4's sel4-capdl-initializer-add-spec reads
// and Microkit 2.3's --capdl-json writes (serde's external tagging: a unit variant is its name
// as a string, any other variant an object {"Variant": {...}}; ranges {"start", "end"}; an
// absent Option is null or missing). Host only.
#pragma once

#include <sel4/capdl/spec.hpp>
#include <sel4/capdl/validate.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace sel4::capdl {

// Bad input: `what` says where (the source's name, then the path in the document, e.g.
// "spec.json: objects[3].object.CNode.slots[0].cap: unknown cap kind 'Foo'").
class SpecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads a spec; `source` names the input in errors. Throws SpecError.
Spec read_json(std::string_view text, const std::string &source);

// Writes a spec that read_json (and rust-sel4's add-spec) reads back. indent < 0: one line.
std::string write_json(const Spec &spec, int indent = -1);

// Reads what the validator needs of a kernel's gen_config.json. Throws SpecError.
KernelConfig read_kernel_config(std::string_view text, const std::string &source);

} // namespace sel4::capdl
