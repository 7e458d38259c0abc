#include "emit_constants.hpp"

#include <cctype>
#include <cstdio>
#include <optional>
#include <sstream>
#include <string_view>

namespace sel4_bindgen {

using constants::Constant;
using constants::Constants;
using constants::Group;

namespace {

// Large values (addresses, masks) and those written so in hexadecimal, the others in decimal.
std::string literal(const Constant &constant) {
    const c::Value &value = constant.value;
    bool hex = value.bits >= 0x10000 || constant.definition.starts_with("0x") || constant.definition.starts_with("0X");
    if (value.negative() || !hex)
        return c::decimal(value);
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value.bits));
    return text;
}

std::string where(const Group &group) { return group.file + ":" + std::to_string(group.line); }

// The attributes of mappings are typed: an enum whose C name ends in _VMAttributes, which the
// object API names as the type of the map invocations' `attr` (seL4_ARM_VMAttributes), is an
// enum class of that name without seL4_ (ARM_VMAttributes), whose enumerators lose the
// enum's prefix and the suffix _VMAttributes: seL4_ARM_Default_VMAttributes is Default.
constexpr std::string_view vm_attributes = "_VMAttributes";

// The enum's C name if `group` is such an enum.
std::optional<std::string> vm_attributes_enum(const Group &group) {
    if (!group.title.starts_with("enum seL4_") || !group.title.ends_with(vm_attributes))
        return std::nullopt;
    return group.title.substr(5);
}

std::string enumerator_name(const std::string &enum_name, const std::string &c_name) {
    const std::string prefix = enum_name.substr(0, enum_name.size() + 1 - vm_attributes.size()); // seL4_ARM_
    std::string name = c_name.starts_with(prefix) ? c_name.substr(prefix.size()) : constants::cpp_name(c_name);
    if (name.ends_with(vm_attributes) && name.size() > vm_attributes.size())
        name.erase(name.size() - vm_attributes.size());
    return name;
}

// Where a constant comes from, for its documentation.
std::string origin(const Constant &constant, const Group &group) {
    if (group.title != "#define")
        return constant.name + " (" + group.title + ", " + group.file + ":" + std::to_string(constant.line) + ").";
    return constant.name + " (\\#define, " + group.file + ":" + std::to_string(constant.line) + ")" +
           (constant.definition != literal(constant) ? ": `" + constant.definition + "`." : ".");
}

void enum_class(std::ostringstream &out, const std::string &name, const std::vector<Group> &groups, const std::string &what) {
    out << "/// \\brief " << what << ": " << name << " from";
    for (const Group &group : groups)
        out << " " << group.title << " (" << where(group) << ")" << (&group != &groups.back() ? "," : ".");
    out << "\nenum class " << constants::cpp_name(name) << " : Word {\n";
    for (const Group &group : groups)
        for (const Constant &constant : group.constants)
            out << "    " << constants::cpp_name(constant.name) << " = " << literal(constant) << ", ///< " << constant.name
                << ".\n";
    out << "};\n\n";
}

void vm_attributes_enum_class(std::ostringstream &out, const std::string &name, const Group &group) {
    const std::string type = constants::cpp_name(name);
    out << "/// \\brief The attributes of a mapping (" << name << ", " << where(group) << "), which the map\n"
        << "/// invocations take; combined with | and tested with \\&.\n"
        << "enum class " << type << " : Word {\n";
    for (const Constant &constant : group.constants)
        out << "    " << enumerator_name(name, constant.name) << " = " << literal(constant) << ", ///< " << constant.name
            << ".\n";
    out << "};\n\n";
    for (const auto &[op, what] : {std::pair{"|", "Both sets of attributes"}, std::pair{"&", "The attributes in both sets"}})
        out << "/// \\brief " << what << ".\n"
            << "constexpr " << type << " operator" << op << "(" << type << " a, " << type << " b) noexcept {\n"
            << "    return static_cast<" << type << ">(static_cast<Word>(a) " << op << " static_cast<Word>(b));\n}\n\n";
}

void constant_group(std::ostringstream &out, const Group &group) {
    if (const auto name = vm_attributes_enum(group)) {
        vm_attributes_enum_class(out, *name, group);
        return;
    }
    bool defines = group.title == "#define";
    out << "// " << (defines ? "#define, from line " + std::to_string(group.line) : group.title + ", line " + std::to_string(group.line))
        << "\n";
    for (const Constant &constant : group.constants)
        out << "inline constexpr " << (constant.value.negative() ? "long " : "Word ") << constants::cpp_name(constant.name)
            << " = " << literal(constant) << "; ///< " << origin(constant, group) << "\n";
    out << "\n";
}

// Every checked value: a test name, the C name and the C++ expression that must equal it.
struct Checked {
    std::string test;
    std::string c_name;
    std::string cpp;
};

std::string test_name(const std::string &file) {
    std::string name = "Constants_";
    for (char c : file)
        name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return name;
}

std::vector<Checked> checked(const Constants &constants) {
    std::vector<Checked> list;
    for (const Constant &constant : constants.errors.constants)
        list.push_back({"Errors", constant.name, "static_cast<Word>(Error::" + constants::cpp_name(constant.name) + ")"});
    for (const Group &group : constants.object_types)
        for (const Constant &constant : group.constants)
            list.push_back({"ObjectTypes", constant.name,
                            "static_cast<Word>(ObjectType::" + constants::cpp_name(constant.name) + ")"});
    for (const Group &group : constants.groups) {
        const auto vm_enum = vm_attributes_enum(group);
        for (const Constant &constant : group.constants)
            list.push_back({test_name(group.file), constant.name,
                            vm_enum ? "static_cast<Word>(" + constants::cpp_name(*vm_enum) +
                                          "::" + enumerator_name(*vm_enum, constant.name) + ")"
                                    : constants::cpp_name(constant.name)});
    }
    return list;
}

std::string provenance_comment(const Provenance &from, const char *marker) {
    std::string text = std::string(marker) + " Generated by sel4-bindgen --emit-constants-test from the seL4 kernel at " +
                       from.prefix + ":\n";
    for (const std::string &input : from.inputs)
        text += std::string(marker) + "   " + input + "\n";
    return text;
}

} // namespace

std::string emit_constants_header(const Constants &constants, const Provenance &from) {
    std::ostringstream out;
    out << header_comment(from, "seL4 constants, error codes, object types and register contexts, as libsel4's "
                                "headers define them for this configuration.")
        << "#pragma once\n\n#include <cstdint>\n\n"
        << "/// \\brief What sel4-bindgen generates from the kernel's interface files: libsel4's types,\n"
        << "/// constants and invocations in C++, the ground the hand-written bindings stand on.\n"
        << "namespace sel4::gen {\n\n"
        << "/// \\brief A machine word (seL4_Word).\nusing Word = std::uintptr_t;\n\n";
    enum_class(out, "seL4_Error", {constants.errors}, "The errors of invocations");
    enum_class(out, "seL4_ObjectType", constants.object_types, "The kinds of object Untyped_Retype makes");

    auto group = constants.groups.begin();
    for (const auto &[file, path] : constants.files) {
        auto skipped = constants.not_integers.find(file);
        bool any = group != constants.groups.end() && group->file == file;
        if (!any && skipped == constants.not_integers.end())
            continue;
        out << "// ---- " << file << "\n\n";
        for (; group != constants.groups.end() && group->file == file; ++group)
            constant_group(out, *group);
        if (skipped != constants.not_integers.end()) {
            out << "// Not integer constants (not here):";
            for (const std::string &name : skipped->second)
                out << " " << name;
            out << "\n\n";
        }
    }

    for (const constants::Struct &s : constants.structs) {
        out << "/// \\brief " << s.name << " (" << s.file << ":" << s.line << "): the same words, in the same order.\n"
            << "struct " << constants::cpp_name(s.name) << " {\n";
        for (const std::string &field : s.fields)
            out << "    Word " << field << "; ///< " << s.name << "'s " << field << ".\n";
        out << "};\n\n";
    }
    out << "} // namespace sel4::gen\n";
    return out.str();
}

std::string emit_constants_test_c(const Constants &constants, const Provenance &from) {
    std::ostringstream out;
    out << provenance_comment(from, "//")
        << "// libsel4's values of the constants in sel4/gen/constants.hpp, and the layout of its structs.\n"
           "#include <sel4/sel4.h>\n#include <stddef.h>\n\n"
           "// Whether a constant is negative: always false for unsigned ones, which is the point.\n"
           "#pragma GCC diagnostic ignored \"-Wtype-limits\"\n\n";
    for (const Checked &item : checked(constants))
        out << "const unsigned long long cref_" << item.c_name << " = " << item.c_name << ";\nconst int cref_negative_"
            << item.c_name << " = (" << item.c_name << ") < 0;\n";
    for (const constants::Struct &s : constants.structs) {
        out << "\nconst unsigned long long cref_" << s.name << "_size = sizeof(" << s.name << ");\n";
        for (const std::string &field : s.fields)
            out << "const unsigned long long cref_" << s.name << "_" << field << "_offset = offsetof(" << s.name << ", "
                << field << ");\nconst unsigned long long cref_" << s.name << "_" << field << "_size = sizeof(((" << s.name
                << " *)0)->" << field << ");\n";
    }
    return out.str();
}

std::string emit_constants_test_cpp(const Constants &constants, const Provenance &from, const std::string &suite) {
    const std::vector<Checked> list = checked(constants);
    std::ostringstream out;
    out << provenance_comment(from, "//")
        << "// sel4/gen/constants.hpp against libsel4's headers: every constant, every struct field.\n"
           "#include <sel4/gen/constants.hpp>\n\n#include <gtest/gtest.h>\n\n#include <cstddef>\n#include <utility>\n\n"
           "extern \"C\" {\n";
    for (const Checked &item : list)
        out << "extern const unsigned long long cref_" << item.c_name << ";\nextern const int cref_negative_" << item.c_name
            << ";\n";
    for (const constants::Struct &s : constants.structs) {
        out << "extern const unsigned long long cref_" << s.name << "_size;\n";
        for (const std::string &field : s.fields)
            out << "extern const unsigned long long cref_" << s.name << "_" << field << "_offset, cref_" << s.name << "_"
                << field << "_size;\n";
    }
    out << "}\n\nusing namespace sel4::gen;\n\nnamespace {\n\n"
           "// The same value as C's, and negative exactly when C's is.\n"
           "template <typename T> void expect_same(T value, unsigned long long c_value, int c_negative, const char *name) {\n"
           "    EXPECT_EQ(static_cast<unsigned long long>(value), c_value) << name;\n"
           "    EXPECT_EQ(std::cmp_less(value, 0), c_negative != 0) << name;\n"
           "}\n\n} // namespace\n";
    std::string test;
    for (const Checked &item : list) {
        if (item.test != test) {
            out << (test.empty() ? "" : "}\n") << "\nTEST(" << suite << ", " << item.test << ") {\n";
            test = item.test;
        }
        out << "    expect_same(" << item.cpp << ", cref_" << item.c_name << ", cref_negative_" << item.c_name << ", \""
            << item.c_name << "\");\n";
    }
    out << "}\n";
    for (const constants::Struct &s : constants.structs) {
        std::string type = constants::cpp_name(s.name);
        out << "\nTEST(" << suite << ", Struct_" << type << ") {\n    EXPECT_EQ(sizeof(" << type << "), cref_" << s.name
            << "_size);\n";
        for (const std::string &field : s.fields)
            out << "    EXPECT_EQ(offsetof(" << type << ", " << field << "), cref_" << s.name << "_" << field
                << "_offset);\n    EXPECT_EQ(sizeof(" << type << "::" << field << "), cref_" << s.name << "_" << field
                << "_size);\n";
        out << "}\n";
    }
    return out.str();
}

} // namespace sel4_bindgen
