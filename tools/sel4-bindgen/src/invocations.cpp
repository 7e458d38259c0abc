#include "invocations.hpp"

#include "diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>

namespace sel4_bindgen::invocations {

namespace {

using tinyxml2::XMLElement;

// The message registers of an IPC buffer (seL4_MsgMaxLength).
constexpr unsigned max_message_words = 120;
// The extra caps of an IPC buffer (seL4_MsgMaxExtraCaps).
constexpr unsigned max_extra_caps = 3;

// Every cap type of every architecture and its sel4::obj tag.
const std::map<std::string, std::string> cap_tags = {
    {"seL4_CPtr", "Unspecified"},
    {"seL4_Untyped", "Untyped"},
    {"seL4_TCB", "Tcb"},
    {"seL4_CNode", "CNode"},
    {"seL4_IRQControl", "IrqControl"},
    {"seL4_IRQHandler", "IrqHandler"},
    {"seL4_DomainSet", "DomainSet"},
    {"seL4_SchedContext", "SchedContext"},
    {"seL4_SchedControl", "SchedControl"},
    // Arm
    {"seL4_ARM_Page", "Page"},
    {"seL4_ARM_PageTable", "PageTable"},
    {"seL4_ARM_PageDirectory", "PageDirectory"},
    {"seL4_ARM_VSpace", "VSpace"},
    {"seL4_ARM_ASIDControl", "AsidControl"},
    {"seL4_ARM_ASIDPool", "AsidPool"},
    {"seL4_ARM_VCPU", "Vcpu"},
    {"seL4_ARM_IOSpace", "IoSpace"},
    {"seL4_ARM_IOPageTable", "IoPageTable"},
    {"seL4_ARM_SMC", "Smc"},
    {"seL4_ARM_SIDControl", "SidControl"},
    {"seL4_ARM_SID", "Sid"},
    {"seL4_ARM_CBControl", "CbControl"},
    {"seL4_ARM_CB", "Cb"},
    // x86
    {"seL4_X86_Page", "Page"},
    {"seL4_X86_PageTable", "PageTable"},
    {"seL4_X86_PageDirectory", "PageDirectory"},
    {"seL4_X86_PDPT", "Pdpt"},
    {"seL4_X64_PML4", "Pml4"},
    {"seL4_X86_ASIDControl", "AsidControl"},
    {"seL4_X86_ASIDPool", "AsidPool"},
    {"seL4_X86_IOPort", "IoPort"},
    {"seL4_X86_IOPortControl", "IoPortControl"},
    {"seL4_X86_IOSpace", "IoSpace"},
    {"seL4_X86_IOPageTable", "IoPageTable"},
    {"seL4_X86_VCPU", "Vcpu"},
    {"seL4_X86_EPTPML4", "EptPml4"},
    {"seL4_X86_EPTPDPT", "EptPdpt"},
    {"seL4_X86_EPTPD", "EptPd"},
    {"seL4_X86_EPTPT", "EptPt"},
    // RISC-V
    {"seL4_RISCV_Page", "Page"},
    {"seL4_RISCV_PageTable", "PageTable"},
    {"seL4_RISCV_ASIDControl", "AsidControl"},
    {"seL4_RISCV_ASIDPool", "AsidPool"},
};

// The 64-bit architectures and their structs, in words (syscall_stub_gen.py's sizes, which
// libsel4's headers assert).
struct ArchEntry {
    const char *config_key; // the gen_config.json key that selects it
    Arch arch;
    std::vector<std::pair<std::string, StructType>> structs; // C name -> C++ type and words
};

std::vector<ArchEntry> arch_entries(const config::Config &config) {
    // An x86-64 VCPU context holds the 64-bit guest registers only when configured for them.
    const unsigned vcpu_context_words = config.is_defined("X86_64_VTX_64BIT_GUESTS") ? 15 : 7;
    return {
        {"ARCH_AARCH64",
         {"aarch64", 64, 4, "VSpace"},
         {{"seL4_UserContext", {"UserContext", 36}}, {"seL4_ARM_SMCContext", {"ARM_SMCContext", 8}}}},
        {"ARCH_RISCV64", {"riscv64", 64, 4, "PageTable"}, {{"seL4_UserContext", {"UserContext", 32}}}},
        {"ARCH_X86_64",
         {"x86_64", 64, 4, "Pml4"},
         {{"seL4_UserContext", {"UserContext", 20}}, {"seL4_VCPUContext", {"VCPUContext", vcpu_context_words}}}},
    };
}

std::map<std::string, Type> types_of(const ArchEntry &entry) {
    const unsigned word = entry.arch.word_bits;
    std::map<std::string, Type> types = {
        {"seL4_Word", {"seL4_Word", Kind::Integer, word, "Word", ""}},
        {"seL4_Uint8", {"seL4_Uint8", Kind::Integer, 8, "std::uint8_t", ""}},
        {"seL4_Uint16", {"seL4_Uint16", Kind::Integer, 16, "std::uint16_t", ""}},
        {"seL4_Uint32", {"seL4_Uint32", Kind::Integer, 32, "std::uint32_t", ""}},
        {"seL4_Uint64", {"seL4_Uint64", Kind::Integer, 64, "std::uint64_t", ""}},
        {"seL4_Time", {"seL4_Time", Kind::Integer, 64, "std::uint64_t", ""}},
        {"seL4_Bool", {"seL4_Bool", Kind::Bool, 1, "bool", ""}},
        {"seL4_CapRights_t", {"seL4_CapRights_t", Kind::CapRights, word, "seL4_CapRights", ""}},
        {"seL4_VCPUReg", {"seL4_VCPUReg", Kind::Integer, word, "Word", ""}},
    };
    for (const char *attributes :
         {"seL4_ARM_VMAttributes", "seL4_X86_VMAttributes", "seL4_X86_EPT_VMAttributes", "seL4_RISCV_VMAttributes"})
        types[attributes] = {attributes, Kind::Integer, word, "Word", ""};
    for (const auto &[name, tag] : cap_tags)
        types[name] = {name, Kind::Cap, word, "CPtr", tag};
    for (const auto &[name, type] : entry.structs)
        types[name] = {name, Kind::Struct, type.words * word, type.cpp, ""};
    return types;
}

// What a bare seL4_CPtr or seL4_Word parameter is, where its XML type does not say so but
// its description does (quoted). An empty interface stands for every interface.
struct Meaning {
    const char *interface;
    const char *name;
    const char *c_type;
    Typed typed;
    const char *tag = ""; // Typed::Cap; VSpace stands for the arch's VSpace root
};
const Meaning meanings[] = {
    // "Capability to the VSpace which will contain the mapping", "The VSpace that is being assigned"
    {"", "vspace", "seL4_CPtr", Typed::Cap, "VSpace"},
    {"", "vspace_root", "seL4_CPtr", Typed::Cap, "VSpace"}, // "The new VSpace root."
    // "Capability to a page containing the thread's IPC buffer."
    {"", "bufferFrame", "seL4_CPtr", Typed::Cap, "Page"},
    {"", "notification", "seL4_CPtr", Typed::Cap, "Notification"}, // "Notification to bind."
    // "CPtr to the endpoint which receives IPCs when this thread faults." Without MCS a word,
    // resolved in the CSpace of the thread being configured.
    {"", "fault_ep", "seL4_CPtr", Typed::Cap, "Endpoint"},
    {"", "fault_ep", "seL4_Word", Typed::Cap, "Endpoint"},
    {"", "timeout_fault_ep", "seL4_CPtr", Typed::Cap, "Endpoint"},
    {"", "sched_context", "seL4_CPtr", Typed::Cap, "SchedContext"}, // "Capability to the scheduling context"
    // "Optionally set the guard and guard size of the new root CNode."
    {"", "cspace_root_data", "seL4_Word", Typed::CNodeCapData},
    // "Badge or guard to be applied to the new capability", "The new capdata for the capability"
    {"seL4_CNode", "badge", "seL4_Word", Typed::CapData},
    {"seL4_CNode", "dest_badge", "seL4_Word", Typed::CapData},
    {"seL4_CNode", "pivot_badge", "seL4_Word", Typed::CapData},
    // "Identifier for this scheduling context. Delivered to timeout exception handler."
    {"seL4_SchedControl", "badge", "seL4_Word", Typed::Badge},
};

// The object tags that the support header (sel4/invocation_support.hpp) declares: objects
// without invocations of their own.
const std::set<std::string> support_tags = {"Unspecified", "Endpoint", "Notification", "Reply"};

// Elements of <method> that only document it.
const std::set<std::string> documentation = {"brief", "description", "error", "return", "cap_param"};

bool is_identifier(const char *name) {
    if (!name || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
        return false;
    for (const char *c = name; *c; ++c)
        if (!std::isalnum(static_cast<unsigned char>(*c)) && *c != '_')
            return false;
    return true;
}

// The text of an element on one line: runs of white space become one space, an element such
// as <texttt text="x"/> or <obj name="x"/> stands for that attribute, and a <docref> (a
// reference into the manual) is left out.
void collect_text(const tinyxml2::XMLNode &node, std::string &out) {
    for (const tinyxml2::XMLNode *child = node.FirstChild(); child; child = child->NextSibling()) {
        if (const tinyxml2::XMLText *text = child->ToText())
            out += text->Value();
        else if (const XMLElement *element = child->ToElement(); element && std::strcmp(element->Name(), "docref") == 0)
            continue;
        else if (element && element->Attribute("text"))
            out += element->Attribute("text");
        else if (element && element->Attribute("name"))
            out += element->Attribute("name");
        else if (element)
            collect_text(*element, out);
    }
}

std::string squeezed(const std::string &raw) {
    std::string result;
    for (char c : raw) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!result.empty() && result.back() != ' ')
                result += ' ';
        } else {
            result += c;
        }
    }
    if (!result.empty() && result.back() == ' ')
        result.pop_back();
    return result;
}

std::string one_line(const XMLElement &element) {
    std::string raw;
    collect_text(element, raw);
    return squeezed(raw);
}

// "src_" of src_root, "" of root; nullopt unless `name` ends with `suffix`.
std::optional<std::string> prefix_of(const std::string &name, std::string_view suffix) {
    if (!name.ends_with(suffix))
        return std::nullopt;
    std::string prefix = name.substr(0, name.size() - suffix.size());
    if (!prefix.empty() && !prefix.ends_with('_'))
        return std::nullopt;
    return prefix;
}

// The name of a group of parameters from their common prefix: src of src_; `bare` for none.
std::string group_name(const std::string &prefix, const char *bare) {
    return prefix.empty() ? bare : prefix.substr(0, prefix.size() - 1);
}

// Names the generated stubs and methods use for themselves (and <parameter>_words).
const std::set<std::string> reserved_names = {"ipc", "service", "mr0", "mr1", "mr2", "mr3", "info", "reply",
                                              "error", "self", "out", "i"};

class Reader {
public:
    Reader(const config::Config &config, ObjectApi &api, const ArchEntry &arch)
        : config_(config), api_(api), types_(types_of(arch)) {}

    void read(const tinyxml2::XMLDocument &document, const std::string &path) {
        path_ = &path;
        const XMLElement *root = document.RootElement();
        if (!root || std::strcmp(root->Name(), "api") != 0)
            fail(root ? root->GetLineNum() : 1, "expected the root element <api>");
        for (const XMLElement *child = root->FirstChildElement(); child; child = child->NextSiblingElement()) {
            std::string name = child->Name();
            if (name == "interface")
                read_interface(*child);
            else if (name != "struct") // struct layouts come from the C headers; sizes from the table above
                fail(child->GetLineNum(), "unknown element <" + name + "> in <api>");
        }
    }

private:
    [[noreturn]] void fail(int line, const std::string &what) const { throw InputError(*path_, line, what); }

    void note_tag(const std::string &tag) {
        if (!support_tags.contains(tag) && std::find(api_.tags.begin(), api_.tags.end(), tag) == api_.tags.end())
            api_.tags.push_back(tag);
    }

    void read_interface(const XMLElement &element) {
        const char *name = element.Attribute("name");
        if (!name || !*name)
            fail(element.GetLineNum(), "<interface> without a name");
        auto tag = cap_tags.find(name);
        if (tag == cap_tags.end() || tag->second == "Unspecified")
            fail(element.GetLineNum(), "unknown interface '" + std::string(name) +
                                           "' (sel4-bindgen has no sel4::obj tag for it; add it to cap_tags)");
        note_tag(tag->second);
        for (const XMLElement *child = element.FirstChildElement(); child; child = child->NextSiblingElement()) {
            if (std::strcmp(child->Name(), "method") != 0)
                fail(child->GetLineNum(), "unknown element <" + std::string(child->Name()) + "> in <interface>");
            read_method(*child, name, tag->second);
        }
    }

    void read_method(const XMLElement &element, const std::string &interface, const std::string &tag) {
        Method method;
        method.interface = interface;
        method.tag = tag;
        method.path = *path_;
        method.line = element.GetLineNum();
        const char *name = element.Attribute("name");
        const char *id = element.Attribute("id");
        if (!is_identifier(name))
            fail(method.line, "<method> needs a name that is an identifier");
        if (!is_identifier(id))
            fail(method.line, "method '" + std::string(name) + "' needs an id (its label) that is an identifier");
        method.name = name;
        method.label = id;

        bool seen_condition = false;
        for (const XMLElement *child = element.FirstChildElement(); child; child = child->NextSiblingElement()) {
            std::string child_name = child->Name();
            if (child_name == "condition") {
                if (seen_condition)
                    fail(child->GetLineNum(), "second <condition> in one <method>");
                seen_condition = true;
                method.condition = xml::evaluate(*child, *path_, config_);
            } else if (child_name == "param") {
                read_param(*child, method);
            } else if (child_name == "brief") {
                method.brief = one_line(*child);
            } else if (child_name == "description") {
                method.description = one_line(*child);
            } else if (!documentation.contains(child_name)) {
                fail(child->GetLineNum(), "unknown element <" + child_name + "> in <method>");
            }
        }
        place(method.inputs, method, "input");
        place(method.outputs, method, "output");
        for (const Parameter &input : method.inputs)
            if (input.type.kind == Kind::Cap)
                method.extra_caps = input.offset + 1;
        find_register_count(method);
        find_typed_inputs(method);
        add_label(element, method);
        api_.methods.push_back(std::move(method));
    }

    void read_param(const XMLElement &element, Method &method) {
        const int line = element.GetLineNum();
        const char *name = element.Attribute("name");
        const char *dir = element.Attribute("dir");
        const char *type_name = element.Attribute("type");
        if (!is_identifier(name))
            fail(line, "<param> needs a name that is an identifier");
        if (reserved_names.contains(name) || std::string_view(name).ends_with("_words"))
            fail(line, "parameter name '" + std::string(name) + "' is used by the generated code itself");
        for (const auto *list : {&method.inputs, &method.outputs})
            for (const Parameter &other : *list)
                if (other.name == name)
                    fail(line, "parameter '" + std::string(name) + "' appears twice");
        if (!dir || (std::strcmp(dir, "in") != 0 && std::strcmp(dir, "out") != 0))
            fail(line, "parameter '" + std::string(name) + "' needs dir=\"in\" or dir=\"out\"");
        if (!type_name)
            fail(line, "parameter '" + std::string(name) + "' has no type");
        auto type = types_.find(type_name);
        if (type == types_.end())
            fail(line, "unknown type '" + std::string(type_name) + "' of parameter '" + name + "'");
        const bool in = std::strcmp(dir, "in") == 0;
        if (!in && type->second.kind != Kind::Integer && type->second.kind != Kind::Bool &&
            type->second.kind != Kind::Struct)
            fail(line, "output parameter '" + std::string(name) + "' has type '" + type_name +
                           "', which libsel4 cannot return");
        if (type->second.kind == Kind::Cap)
            note_tag(type->second.tag);
        const char *description = element.Attribute("description");
        (in ? method.inputs : method.outputs).push_back({name, type->second, line, 0, squeezed(description ? description : "")});
    }

    // Caps are numbered in order; everything else is packed into message words.
    void place(std::vector<Parameter> &params, Method &method, const char *what) {
        const unsigned word = api_.arch.word_bits;
        unsigned bits = 0;
        unsigned caps = 0;
        for (Parameter &param : params) {
            if (param.type.kind == Kind::Cap) {
                if (caps == max_extra_caps)
                    fail(param.line, "more than " + std::to_string(max_extra_caps) + " cap parameters");
                param.offset = caps++;
                continue;
            }
            const unsigned align = std::min(param.type.bits, word);
            bits = (bits + align - 1) / align * align;
            param.offset = bits;
            bits += param.type.bits;
        }
        const unsigned words = (bits + word - 1) / word;
        if (words > max_message_words)
            fail(method.line, std::string("the ") + what + " of '" + method.c_name() + "' needs " +
                                  std::to_string(words) + " message words, more than " +
                                  std::to_string(max_message_words));
        if (&params == &method.inputs)
            method.input_words = words;
    }

    // syscall_stub_gen.py's special case: TCB WriteRegisters sends, and any ReadRegisters reads,
    // only the first `count` words of the register struct.
    void find_register_count(Method &method) {
        const bool writes = method.interface == "seL4_TCB" && method.name == "WriteRegisters";
        if (!writes && method.name != "ReadRegisters")
            return;
        const auto &structs = writes ? method.inputs : method.outputs;
        std::size_t struct_count = 0;
        for (const Parameter &param : structs)
            struct_count += param.type.kind == Kind::Struct;
        for (std::size_t i = 0; i < method.inputs.size(); ++i)
            if (method.inputs[i].name == "count" && method.inputs[i].type.c_name == "seL4_Word")
                method.register_count = i;
        if (!method.register_count || struct_count != 1)
            fail(method.line, "'" + method.c_name() + "' needs a seL4_Word input 'count' and one " +
                                  (writes ? "input" : "output") + " struct, as libsel4 expects");
    }

    // The prefix of an index parameter at `i` followed by its depth (seL4_Uint8, or a word as
    // Untyped_Retype's node_depth).
    static std::optional<std::string> index_and_depth(const std::vector<Parameter> &inputs, std::size_t i) {
        if (i + 1 >= inputs.size() || inputs[i].type.c_name != "seL4_Word")
            return std::nullopt;
        const auto prefix = prefix_of(inputs[i].name, "index");
        const std::string &depth_type = inputs[i + 1].type.c_name;
        if (!prefix || inputs[i + 1].name != *prefix + "depth" || (depth_type != "seL4_Uint8" && depth_type != "seL4_Word"))
            return std::nullopt;
        return prefix;
    }

    // The typed method's inputs: groups first (a CSpace address, a blueprint), then what one
    // parameter's type or its entry in `meanings` says.
    void find_typed_inputs(Method &method) {
        const std::vector<Parameter> &inputs = method.inputs;
        for (std::size_t i = 0; i < inputs.size();) {
            const Parameter &param = inputs[i];
            TypedInput typed{Typed::Same, param.name, "", {i}};
            const auto root = param.type.c_name == "seL4_CNode" ? prefix_of(param.name, "root") : std::nullopt;
            const auto path = index_and_depth(inputs, root ? i + 1 : i);
            if (method.interface == "seL4_Untyped" && param.name == "type" && i + 1 < inputs.size() &&
                inputs[i + 1].name == "size_bits") {
                typed = {Typed::Blueprint, "blueprint", "", {i, i + 1}};
            } else if (root && path && (root->empty() || *root == *path)) {
                typed = {Typed::Absolute, group_name(path->empty() ? *root : *path, "slot"), "", {i, i + 1, i + 2}};
            } else if (!root && path && method.interface == "seL4_CNode") {
                typed = {Typed::Relative, group_name(*path, "slot"), "", {i, i + 1}};
            } else if (param.type.kind == Kind::CapRights) {
                typed.typed = Typed::CapRights;
            } else if (param.type.c_name.ends_with("_VMAttributes")) {
                typed.typed = Typed::VmAttributes;
            } else if (const Meaning *meaning = meaning_of(method, param)) {
                typed.typed = meaning->typed;
                typed.tag = meaning->tag;
                if (!typed.tag.empty())
                    note_tag(typed.tag == "VSpace" ? api_.arch.vspace_tag : typed.tag);
            } else if (param.type.kind == Kind::Cap) {
                typed.typed = Typed::Cap;
                typed.tag = param.type.tag;
            }
            const auto named = [&](const auto &other) { return other.name == typed.name; };
            if (std::any_of(method.typed_inputs.begin(), method.typed_inputs.end(), named) ||
                std::any_of(method.outputs.begin(), method.outputs.end(), named))
                fail(param.line, "the typed method's parameter '" + typed.name + "' of '" + method.c_name() +
                                     "' would appear twice");
            i += typed.inputs.size();
            method.typed_inputs.push_back(std::move(typed));
        }
    }

    static const Meaning *meaning_of(const Method &method, const Parameter &param) {
        for (const Meaning &meaning : meanings)
            if ((!*meaning.interface || method.interface == meaning.interface) && param.name == meaning.name &&
                param.type.c_name == meaning.c_type)
                return &meaning;
        return nullptr;
    }

    // As invocation_header_gen.py: a label is its id under its condition. The same id under
    // another condition is another enum entry (TCBConfigure with and without MCS).
    void add_label(const XMLElement &element, const Method &method) {
        const std::string key = method.label + " if " + method.condition.text;
        auto seen = labels_.find(key);
        if (seen != labels_.end()) {
            if (!element.BoolAttribute("duplicate"))
                fail(method.line, "label '" + method.label + "' is already used at " + seen->second +
                                      " (a method that shares it says duplicate=\"true\")");
            return;
        }
        labels_.emplace(key, *path_ + ":" + std::to_string(method.line));
        api_.labels.push_back({method.label, 0, method.condition, *path_, method.line});
    }

    const config::Config &config_;
    ObjectApi &api_;
    std::map<std::string, Type> types_;
    std::map<std::string, std::string> labels_; // label and condition -> file:line of its first method
    const std::string *path_ = nullptr;
};

} // namespace

ObjectApi parse(const std::vector<std::pair<std::string, std::string>> &files, const config::Config &config) {
    ObjectApi api;
    const ArchEntry *arch = nullptr;
    const std::vector<ArchEntry> entries = arch_entries(config);
    for (const ArchEntry &entry : entries)
        if (config.is_defined(entry.config_key))
            arch = &entry;
    if (!arch)
        throw std::runtime_error("the kernel configuration (gen_config.json) sets none of CONFIG_ARCH_AARCH64, "
                                 "CONFIG_ARCH_RISCV64 and CONFIG_ARCH_X86_64: no invocation stubs for this architecture");
    api.arch = arch->arch;

    Reader reader(config, api, *arch);
    for (const auto &[path, text] : files) {
        api.paths.push_back(path);
        tinyxml2::XMLDocument document;
        xml::parse(document, text, path);
        reader.read(document, path);
    }
    long number = 1; // 0 is InvalidInvocation
    std::map<std::string, const Label *> included;
    for (Label &label : api.labels) {
        if (!label.condition.holds)
            continue;
        label.number = number++;
        if (auto [it, fresh] = included.emplace(label.name, &label); !fresh)
            throw InputError(label.path, label.line,
                             "label '" + label.name + "' is also defined at " + it->second->path + ":" +
                                 std::to_string(it->second->line) + " and both conditions hold");
    }
    return api;
}

ObjectApi load(const std::vector<std::string> &paths, const config::Config &config) {
    std::vector<std::pair<std::string, std::string>> files;
    for (const std::string &path : paths)
        files.emplace_back(path, read_text_file(path));
    return parse(files, config);
}

} // namespace sel4_bindgen::invocations
