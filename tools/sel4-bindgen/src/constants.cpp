#include "constants.hpp"

#include "c_declarations.hpp"
#include "diagnostics.hpp"

#include <algorithm>
#include <set>

namespace sel4_bindgen::constants {

namespace {

// What a seL4 program includes.
const std::string root = "sel4/sel4.h";

// gen_config.json stands for these: its CONFIG_ macros are predefined.
const char *const provided[] = {"kernel/gen_config.h", "sel4/gen_config.h"};

// Headers whose constants are not emitted.
const std::set<std::string> not_emitted = {
    "sel4/syscall.h",             // syscall numbers: syscalls.hpp
    "sel4/shared_types_gen.h",    // bitfield tags: bitfields.hpp
    "sel4/sel4_arch/types_gen.h",
    "sel4/simple_types.h",        // C's integer types, seL4_True, seL4_False, seL4_Null
    "sel4/deprecated.h",          // deprecated spellings of other constants
    "sel4/arch/deprecated.h",
    "sel4/sel4_arch/deprecated.h",
};

// The enums of object types, numbered on from one another.
const std::set<std::string> object_type_files = {"sel4/objecttype.h", "sel4/sel4_arch/objecttype.h",
                                                 "sel4/arch/objecttype.h"};

// The register-context structs; only the first is on every architecture.
const char *const struct_names[] = {"seL4_UserContext", "seL4_ARM_SMCContext", "seL4_VCPUContext"};

bool is_public(const std::string &name) { return name.starts_with("seL4_") || name.starts_with("SEL4_"); }

c::DataModel data_model(const std::map<std::string, std::string> &defines) {
    auto it = defines.find("CONFIG_WORD_SIZE");
    if (it == defines.end() || (it->second != "32" && it->second != "64"))
        throw InputError("kernel/gen_config.json", 0, "WORD_SIZE must be \"32\" or \"64\"");
    return {it->second == "64" ? 64u : 32u};
}

} // namespace

std::string cpp_name(const std::string &c_name) { return is_public(c_name) ? c_name.substr(5) : c_name; }

Constants load(const c::FileSource &source, const config::Config &config) {
    const std::map<std::string, std::string> defines = config.defines();
    const c::DataModel model = data_model(defines);
    c::Preprocessor preprocessor(source, model);
    for (const auto &[name, body] : defines)
        preprocessor.predefine(name, body, "gen_config.json");
    for (const char *file : provided)
        preprocessor.provide(file);
    c::DeclarationReader reader(model);
    reader.read(preprocessor.read(root));

    Constants result;
    std::map<std::string, std::string> relative_of; // path -> path relative to the include directory
    std::map<std::string, std::string> path_of;
    std::map<std::string, std::size_t> order; // relative path -> place in reading order
    for (const auto &[relative, path] : preprocessor.files()) {
        relative_of[path] = relative;
        path_of[relative] = path;
        order.emplace(relative, order.size());
        result.files.emplace_back(relative, path);
    }

    std::vector<Group> groups; // an enum each, or one #define each
    for (const c::Enum &definition : reader.enums()) {
        const std::string &file = relative_of.at(definition.file);
        bool errors = definition.name == "seL4_Error";
        bool object_types = object_type_files.count(file) > 0;
        Group listed{file, definition.line, definition.name.empty() ? "enum" : "enum " + definition.name, {}};
        Group other = listed;
        for (const c::Enumerator &enumerator : definition.enumerators) {
            if (!is_public(enumerator.name))
                continue;
            bool count = errors ? enumerator.name == "seL4_NumErrors" : enumerator.name.ends_with("ObjectTypeCount");
            ((errors || object_types) && !count ? listed : other).constants.push_back({enumerator.name, enumerator.value, enumerator.line, ""});
        }
        if (errors)
            result.errors = std::move(listed);
        else if (object_types)
            result.object_types.push_back(std::move(listed));
        if (!other.constants.empty() && !not_emitted.count(file))
            groups.push_back(std::move(other));
    }
    if (result.errors.constants.empty())
        throw InputError(path_of.at(root), 0, "no enum seL4_Error with its enumerators is reached from here");
    if (result.object_types.empty())
        throw InputError(path_of.at(root), 0, "no object type enum (sel4/objecttype.h) is reached from here");

    const c::Environment environment = reader.environment();
    for (const auto &[name, macro] : preprocessor.macros()) {
        auto it = relative_of.find(macro.file);
        if (macro.function_like || !is_public(name) || it == relative_of.end() || not_emitted.count(it->second))
            continue;
        c::Token use{c::TokenKind::Identifier, name, std::make_shared<const std::string>(macro.file), macro.line, false, false, {}};
        try {
            c::Value value = c::evaluate(preprocessor.expand({use}), environment);
            groups.push_back({it->second, macro.line, "#define", {{name, value, macro.line, c::spelling(macro.body)}}});
        } catch (const c::ExpressionError &error) {
            if (error.kind == c::ExpressionError::Kind::Invalid)
                throw InputError(macro.file, macro.line, "#define " + name + ": " + error.what());
            result.not_integers[it->second].push_back(name);
        }
    }
    std::stable_sort(groups.begin(), groups.end(), [&](const Group &a, const Group &b) {
        return std::pair(order.at(a.file), a.line) < std::pair(order.at(b.file), b.line);
    });
    for (Group &group : groups) {
        Group *last = result.groups.empty() ? nullptr : &result.groups.back();
        if (last && last->title == "#define" && group.title == "#define" && last->file == group.file)
            last->constants.push_back(std::move(group.constants.front()));
        else
            result.groups.push_back(std::move(group));
    }

    const std::vector<c::StructDefinition> &structs = reader.structs();
    for (const std::string name : struct_names) {
        auto it = std::find_if(structs.begin(), structs.end(), [&](const auto &s) { return s.name == name; });
        if (it != structs.end())
            result.structs.push_back({name, relative_of.at(it->file), it->line, c::word_fields(*it, "seL4_Word")});
        else if (name == struct_names[0])
            throw InputError(path_of.at(root), 0, "no struct " + name + " is reached from here");
    }

    // One C++ name each, in namespace sel4::gen.
    std::map<std::string, std::string> taken = {
        {"Word", "the type Word"}, {"Error", "enum class Error"}, {"ObjectType", "enum class ObjectType"}};
    auto claim = [&](const std::string &c_name, const std::string &file, int line) {
        std::string where = file + ":" + std::to_string(line);
        if (auto [it, added] = taken.emplace(cpp_name(c_name), c_name + " at " + where); !added)
            throw InputError(path_of.at(file), line, c_name + " and " + it->second + " would both be " + it->first + " in C++");
    };
    for (const Group &group : result.groups)
        for (const Constant &constant : group.constants)
            claim(constant.name, group.file, constant.line);
    for (const Struct &s : result.structs)
        claim(s.name, s.file, s.line);
    return result;
}

} // namespace sel4_bindgen::constants
