// libsel4's constants for one kernel configuration, read from its C headers: the error
// codes, the object types, every other integer constant (enumerators and object-like
// #defines named seL4_... or SEL4_...), and the register-context structs.
//
// The headers are read as a C program sees them: sel4/sel4.h and what it includes, with the
// configuration's CONFIG_ macros taken from gen_config.json (in place of gen_config.h).
// Constants come from every header read except those listed in constants.cpp, whose
// constants other generated files hold (syscall numbers, bitfield tags) or that only
// support C (its integer types, deprecated names).
#pragma once

#include "c_expression.hpp"
#include "c_preprocessor.hpp"
#include "config.hpp"

#include <map>
#include <string>
#include <vector>

namespace sel4_bindgen::constants {

struct Constant {
    std::string name; // the C name, e.g. seL4_PageBits
    c::Value value;
    int line;
    std::string definition; // a #define's replacement text as written; empty for an enumerator
};

// Constants from one place: an enum, or consecutive #defines of one file.
struct Group {
    std::string file; // relative to the include directory, e.g. sel4/constants.h
    int line;
    std::string title; // "enum seL4_VMFault_Msg" or "#define"
    std::vector<Constant> constants;
};

struct Struct {
    std::string name; // e.g. seL4_UserContext
    std::string file;
    int line;
    std::vector<std::string> fields; // each a seL4_Word, in order
};

struct Constants {
    std::vector<std::pair<std::string, std::string>> files; // the headers read: relative path, path
    Group errors;                   // seL4_Error without its count, seL4_NumErrors
    std::vector<Group> object_types; // the api, sel4_arch and arch enums without their *ObjectTypeCount
    std::vector<Group> groups;       // every other constant, by file as read, then by line
    std::map<std::string, std::vector<std::string>> not_integers; // by file: its object-like macros that are not integer constants
    std::vector<Struct> structs;     // seL4_UserContext, then seL4_ARM_SMCContext and seL4_VCPUContext where present
};

// The C++ name of a C constant or struct: without its seL4_ or SEL4_ prefix.
std::string cpp_name(const std::string &c_name);

// Reads the headers from `source` (libsel4/include of a kernel prefix). Throws InputError at
// what cannot be read, and when two constants would get the same C++ name.
Constants load(const c::FileSource &source, const config::Config &config);

} // namespace sel4_bindgen::constants
