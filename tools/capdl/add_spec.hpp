// sel4-capdl add-spec: attaches a spec to a prebuilt CapDL initializer, as sel4-image attaches
// a payload to the kernel loader. The spec (JSON) is validated against the kernel's
// configuration, its frames' contents are read from the fill directory, whole pages are
// embedded in a page-aligned segment of the initializer (zero-copy at boot) and the rest
// deflated, the serialized spec (sel4/capdl/binary.hpp) goes into a second segment, and the
// initializer's location variable is patched to find both. Nothing is written unless all of
// that succeeds, and the result is checked to fit the kernel's root CNode.
#pragma once

#include <sel4/capdl/binary_writer.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace capdl_tool {

// A problem with the input; the message names the file and what is wrong.
class AddSpecError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct AddSpecOptions {
    std::string initializer;   // the initializer's ELF
    std::string spec;          // the spec (JSON)
    std::string fill_dir;      // where the spec's fill files are
    std::string kernel_config; // the kernel's gen_config.json; empty: the one the initializer was built for
    std::string output;        // the initializer with the spec
    bool embed_frames = true;
    bool deflate = true;
    sel4::capdl::binary::Names names = sel4::capdl::binary::Names::all;
    std::uint8_t log_level = 3;
};

// What add-spec made, for its report.
struct AddSpecReport {
    std::size_t objects = 0;
    std::size_t embedded_frames = 0;
    std::size_t spec_bytes = 0;
    std::size_t fill_bytes = 0;     // fill data in the spec, as stored (deflated where that is smaller)
    std::size_t raw_fill_bytes = 0; // the same data before deflating
    std::uint64_t root_cnode_slots = 0, root_cnode_used = 0;
    std::uint64_t minimum_system_calls = 0; // binary::minimum_system_calls
};

// Throws AddSpecError (and leaves no output file) on any problem.
AddSpecReport add_spec(const AddSpecOptions &options);

} // namespace capdl_tool
