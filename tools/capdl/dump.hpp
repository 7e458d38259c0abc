// sel4-capdl dump --format cdl: a spec as readable text in the manner of capDL, for reading
// what a tool generated: the objects with their sizes and settings, then each object's caps by
// slot, then the IRQs, ASID pools and untyped covers.
#pragma once

#include <sel4/capdl/spec.hpp>

#include <string>

namespace capdl_tool {

std::string dump_cdl(const sel4::capdl::Spec &spec);

} // namespace capdl_tool
