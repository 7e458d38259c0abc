// The invocation equivalence test: a C file that compiles libsel4's own stubs
// (interfaces/sel4_client.h) against a fake seL4_CallWithMRs and wraps each one to take its
// inputs as words, and a GoogleTest file that runs every stub of this configuration through
// both libsel4 and the generated C++ (tests/support/invocation_harness.hpp compares them),
// and instantiates every typed Methods specialization.
#pragma once

#include "emit_headers.hpp"
#include "invocations.hpp"

#include <string>

namespace sel4_bindgen {

std::string emit_invocation_test_c(const invocations::ObjectApi &api, const Provenance &from);

// `suite` is the GoogleTest suite name.
std::string emit_invocation_test_cpp(const invocations::ObjectApi &api, const Provenance &from,
                                     const std::string &suite);

} // namespace sel4_bindgen
