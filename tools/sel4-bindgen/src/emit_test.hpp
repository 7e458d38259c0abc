// The bitfield equivalence test: a C file that wraps every accessor of libsel4's generated
// *_gen.h headers (compiled as C, since those headers do not all compile as C++), and a
// GoogleTest file that checks the generated C++ against those wrappers for every block and
// every tagged-union variant, over all-zero, all-one and many random values; and the
// syscall numbers against libsel4's sel4/syscall.h.
#pragma once

#include "emit_headers.hpp"
#include "pbf.hpp"
#include "syscalls.hpp"

#include <string>
#include <vector>

namespace sel4_bindgen {

struct TestInput {
    const pbf::File *file;
    std::string c_header; // libsel4's generated header for it, as included: sel4/shared_types_gen.h
};

// Wrapper functions are named cref_<libsel4 function name>.
std::string emit_test_c(const std::vector<TestInput> &inputs, const syscalls::Syscalls &syscalls,
                        const Provenance &from);

// `suite` is the GoogleTest suite name. The test includes sel4/gen/bitfields.hpp and
// sel4/gen/syscalls.hpp.
std::string emit_test_cpp(const std::vector<TestInput> &inputs, const syscalls::Syscalls &syscalls,
                          const Provenance &from, const std::string &suite);

} // namespace sel4_bindgen
