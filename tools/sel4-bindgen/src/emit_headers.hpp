// The C++ headers that sel4-bindgen writes.
//
// Naming (the C++ spelling of libsel4's names, in namespace sel4::gen for bitfields and
// sel4::sys for syscall numbers):
//
//   libsel4 C                         generated C++
//   seL4_SysCall                      sel4::sys::Syscall::Call
//   struct X { words[N]; }            struct sel4::gen::X { std::array<word, N> words; }
//   X_new(a, b, ...)                  X(a, b, ...)          (explicit; X() is all zeros)
//   X_get_f(x) / X_set_f(x, v)        x.get_f() / x.set_f(v) (set_f changes x in place)
//   tagged union U, enum U_tag        struct U, enum class U::Tag
//   U_get_<tag field>(u)              u.get_tag()
//   U_V_new(a, ...)                   U::V(a, ...)          (U::V() has every field 0)
//   U_V_get_f(u) / U_V_set_f(u, v)    u.as_V().get_f() / v.set_f(...) on a U::V
//                                     (U::V converts back to U; as_V() requires that tag)
//
// Everything is constexpr and noexcept; word is std::uint64_t or std::uint32_t after `base`.
#pragma once

#include "pbf.hpp"
#include "syscalls.hpp"

#include <string>
#include <vector>

namespace sel4_bindgen {

// Where the inputs came from, for the generated files' header comments.
struct Provenance {
    std::string prefix;           // the kernel install
    std::vector<std::string> inputs;
};

std::string emit_syscalls_header(const syscalls::Syscalls &syscalls, const Provenance &from);

// Throws InputError when a name cannot be used in C++ (a keyword, or a name used twice).
std::string emit_bitfields_header(const std::vector<pbf::File> &files, const Provenance &from);

// The comment that opens a generated header: what it is, its inputs, "Do not edit".
std::string header_comment(const Provenance &from, const std::string &what);

// A field or type name that is a C++ keyword gets a trailing underscore where it is a parameter.
std::string parameter_name(const std::string &field_name);

} // namespace sel4_bindgen
