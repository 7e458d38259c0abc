// sel4/gen/constants.hpp, and the test that checks it against libsel4's headers.
//
//   libsel4 C                                generated C++ (namespace sel4::gen)
//   seL4_Error's seL4_X                      Error::X                 (enum class Error : Word)
//   object type enumerators seL4_X           ObjectType::X            (enum class ObjectType : Word)
//   any other seL4_X / SEL4_X (enumerator    inline constexpr Word X  (long when negative)
//     or object-like #define with an
//     integer value)
//   typedef struct {...} seL4_UserContext    struct UserContext { Word pc; ... }  (same fields, same order)
#pragma once

#include "constants.hpp"
#include "emit_headers.hpp"

#include <string>

namespace sel4_bindgen {

std::string emit_constants_header(const constants::Constants &constants, const Provenance &from);

// A C file that includes sel4/sel4.h and exports every constant's value (with whether it is
// negative) and every struct's size and its fields' offsets and sizes, as cref_* variables.
std::string emit_constants_test_c(const constants::Constants &constants, const Provenance &from);

// A GoogleTest file (suite `suite`) that compares sel4/gen/constants.hpp with those variables.
std::string emit_constants_test_cpp(const constants::Constants &constants, const Provenance &from,
                                    const std::string &suite);

} // namespace sel4_bindgen
