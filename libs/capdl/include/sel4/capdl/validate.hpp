// Checks a spec before anything is built from it: every problem, each naming the object by its
// index and name ("object 5 'tcb_pd': slot 4: ..."), so that a tool can report them all at once.
// These are the rules that hold on every arch and kernel configuration; an empty result means
// the spec is consistent.
#pragma once

#include <sel4/capdl/spec.hpp>

#include <string>
#include <vector>

namespace sel4::capdl {

// The number of entries of a paging structure on the 64-bit arches (9 bits a level).
inline constexpr std::uint32_t page_table_entries = 512;

std::vector<std::string> validate(const Spec &spec);

} // namespace sel4::capdl
