#include "emit_invocations.hpp"

#include "diagnostics.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace sel4_bindgen {

using invocations::Kind;
using invocations::Method;
using invocations::ObjectApi;
using invocations::Parameter;
using invocations::Typed;
using invocations::TypedInput;

namespace {

bool upper(char c) { return std::isupper(static_cast<unsigned char>(c)); }
bool lower_or_digit(char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); }

std::string shifted_left(const std::string &expression, unsigned shift) {
    return shift == 0 ? expression : "(" + expression + " << " + std::to_string(shift) + ")";
}

// The C++ name of a parameter or output: bufferFrame -> buffer_frame, a keyword with a trailing _.
std::string cpp_name(const std::string &xml_name) { return parameter_name(snake_case(xml_name)); }

std::string words_of(const Parameter &param) { return cpp_name(param.name) + "_words"; }

// Text from the XML in a Doxygen comment: its command and markup characters escaped.
std::string doc_text(const std::string &text) {
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '@' || c == '<' || c == '>' || c == '&' || c == '#' || c == '%')
            out += '\\';
        out += c;
    }
    return out;
}

// A sentence of the XML, ending in a full stop.
std::string sentence(const std::string &text) {
    const std::string escaped = doc_text(text);
    return escaped.empty() || escaped.ends_with('.') ? escaped : escaped + ".";
}

// What a parameter or output is: its description, or its name and C type.
std::string what_is(const Parameter &param) {
    return param.description.empty() ? "The `" + param.name + "` argument (" + param.type.c_name + ")."
                                     : sentence(param.description);
}

// Emits one low-level stub and its typed method.
class MethodWriter {
public:
    MethodWriter(const ObjectApi &api, const Method &method) : api_(api), method_(method), word_(api.arch.word_bits) {}

    void stub(std::ostringstream &out) const {
        out << "\n/// \\brief " << method_.c_name() << ": " << summary() << "\n"
            << "///\n"
            << "/// The low-level stub (" << location() << "): the invoked capability is `service`; the other\n"
            << "/// arguments are libsel4's, in its order and types; the outputs are written only on success.\n"
            << "/// \\return The kernel's error, Error::NoError on success.\n"
            << "inline Error " << stub_name(method_) << "(IpcBuffer &ipc, CPtr service";
        for (const Parameter &param : method_.inputs)
            out << ", " << declaration(input_type(param), cpp_name(param.name));
        for (const Parameter &param : method_.outputs)
            out << ", " << param.type.cpp << " &" << cpp_name(param.name);
        out << ") noexcept {\n";

        for (const Parameter &param : method_.inputs) {
            if (param.type.kind == Kind::Cap)
                out << "    ipc.caps_or_badges[" << param.offset << "] = " << cpp_name(param.name) << ";\n";
            else if (param.type.kind == Kind::Struct)
                out << "    const Word *const " << words_of(param) << " = detail::words_of(" << cpp_name(param.name)
                    << ");\n";
        }
        marshal(out);
        out << "    const seL4_MessageInfo info(static_cast<Word>(InvocationLabel::" << method_.label << "), 0, "
            << method_.extra_caps << ", " << method_.input_words << ");\n"
            << "    const seL4_MessageInfo reply = sys::call_with_mrs(service, info, " << register_list() << ");\n";
        if (method_.outputs.empty()) {
            out << "    return detail::reply_error(ipc, reply, " << register_list() << ");\n}\n";
            return;
        }
        out << "    if (const Error error = detail::reply_error(ipc, reply, " << register_list()
            << "); error != Error::NoError)\n"
            << "        return error;\n";
        unmarshal(out);
        out << "    return Error::NoError;\n}\n";
    }

    // The result struct of a method with several outputs.
    void out_struct(std::ostringstream &out) const {
        if (method_.outputs.size() < 2)
            return;
        out << "\n/// \\brief The outputs of " << method_.c_name() << ", which " << mixin_owner() << "::"
            << mixin_name(method_) << "() returns.\nstruct " << out_struct_name(method_) << " {\n";
        for (const Parameter &param : method_.outputs)
            out << "    " << param.type.cpp << " " << cpp_name(param.name) << "; ///< " << what_is(param) << "\n";
        out << "};\n";
    }

    void mixin_method(std::ostringstream &out) const {
        const std::size_t outputs = method_.outputs.size();
        const std::string result = outputs == 0   ? "void"
                                   : outputs == 1 ? method_.outputs.front().type.cpp
                                                  : out_struct_name(method_);
        out << "\n    /// \\brief " << summary() << "\n"
            << "    ///\n"
            << "    /// " << method_.c_name() << " (" << location() << ")."
            << (method_.description.empty() ? "" : " " + sentence(method_.description)) << "\n";
        for (const TypedInput &input : method_.typed_inputs)
            out << "    /// \\param " << cpp_name(input.name) << " " << describe(input) << "\n";
        out << "    /// \\return " << (outputs == 0   ? "Nothing on success."
                                       : outputs == 1 ? "On success, the output: " + what_is(method_.outputs.front())
                                                      : "On success, the outputs (" + out_struct_name(method_) + ").")
            << " Otherwise the kernel's error.\n"
            << "    Result<" << result << "> " << mixin_name(method_) << "(";
        for (std::size_t i = 0; i < method_.typed_inputs.size(); ++i) {
            const TypedInput &input = method_.typed_inputs[i];
            out << (i ? ", " : "") << declaration(typed_type(input), cpp_name(input.name));
        }
        out << ") const noexcept {\n"
            << "        const Self &self = static_cast<const Self &>(*this);\n";
        std::string call = stub_name(method_) + "(self.ipc_buffer(), self.cptr()";
        for (const TypedInput &input : method_.typed_inputs)
            for (const std::string &argument : stub_arguments(input))
                call += ", " + argument;
        if (outputs == 0) {
            out << "        return to_result(" << call << "));\n    }\n";
            return;
        }
        const std::string value = outputs == 1 ? cpp_name(method_.outputs.front().name) : "out";
        out << "        " << result << " " << value << "{};\n";
        for (const Parameter &param : method_.outputs)
            call += ", " + (outputs == 1 ? value : value + "." + cpp_name(param.name));
        out << "        if (const Error error = " << call << "); error != Error::NoError)\n"
            << "            return std::unexpected(error);\n"
            << "        return " << value << ";\n    }\n";
    }

private:
    std::string summary() const { return method_.brief.empty() ? "Invokes " + method_.c_name() + "." : sentence(method_.brief); }

    std::string mixin_owner() const { return "Methods<obj::" + method_.tag + ", Self>"; }

    std::string location() const {
        return std::filesystem::path(method_.path).filename().string() + ":" + std::to_string(method_.line);
    }

    // A typed input's documentation: that of the parameters it stands for.
    std::string describe(const TypedInput &input) const {
        if (input.inputs.size() == 1)
            return what_is(method_.inputs[input.inputs.front()]);
        std::string names, descriptions;
        for (std::size_t i : input.inputs) {
            const Parameter &param = method_.inputs[i];
            names.append(names.empty() ? "" : ", ").append(param.name);
            if (!param.description.empty())
                descriptions.append(" ").append(sentence(param.description));
        }
        return "Stands for `" + names + "`." + descriptions;
    }

    static std::string input_type(const Parameter &param) {
        return param.type.kind == Kind::Struct ? "const " + param.type.cpp + " &" : param.type.cpp;
    }

    static std::string declaration(const std::string &type, const std::string &name) {
        return type + (type.ends_with('&') ? "" : " ") + name;
    }

    std::string typed_type(const TypedInput &input) const {
        const Parameter &first = method_.inputs[input.inputs.front()];
        switch (input.typed) {
        case Typed::Same: return input_type(first);
        case Typed::Cap: return "Cap<obj::" + input.tag + ">";
        case Typed::CapRights: return "CapRights";
        case Typed::VmAttributes: return first.type.c_name.substr(5); // seL4_ARM_VMAttributes: ARM_VMAttributes
        case Typed::Badge: return "Badge";
        case Typed::CapData: return "CapData";
        case Typed::CNodeCapData: return "CNodeCapData";
        case Typed::Blueprint: return "ObjectBlueprint";
        case Typed::Absolute: return "AbsoluteCPtr";
        case Typed::Relative: return "RelativeCPtr";
        }
        return "";
    }

    // The stub's arguments for one typed input, in the stub's order.
    static std::vector<std::string> stub_arguments(const TypedInput &input) {
        const std::string name = cpp_name(input.name);
        switch (input.typed) {
        case Typed::Same: return {name};
        case Typed::Cap: return {name + ".cptr()"};
        case Typed::CapRights: return {name + ".raw()"};
        case Typed::VmAttributes: return {"static_cast<Word>(" + name + ")"};
        case Typed::Badge: return {name + ".value()"};
        case Typed::CapData: return {name + ".word()"};
        case Typed::CNodeCapData: return {name + ".words[0]"};
        case Typed::Blueprint: return {"static_cast<Word>(" + name + ".type)", name + ".size_bits"};
        case Typed::Absolute: return {name + ".root().cptr()", name + ".index()", name + ".depth()"};
        case Typed::Relative: return {name + ".index()", name + ".depth()"};
        }
        return {};
    }

    std::string register_list() const {
        std::string list;
        for (unsigned i = 0; i < api_.arch.register_words; ++i)
            list += (i ? ", mr" : "mr") + std::to_string(i);
        return list;
    }

    // Where message word `index` lives in the stub.
    std::string message_word(unsigned index) const {
        return index < api_.arch.register_words ? "mr" + std::to_string(index)
                                                : "ipc.msg[" + std::to_string(index) + "]";
    }

    const Parameter *register_struct(const std::vector<Parameter> &params) const {
        if (!method_.register_count)
            return nullptr;
        for (const Parameter &param : params)
            if (param.type.kind == Kind::Struct)
                return &param;
        return nullptr;
    }

    // The loop that moves the register struct's words beyond the registers, up to `count`.
    // `first` is its first word's index in the message.
    void count_loop(std::ostringstream &out, const Parameter &param, unsigned first, bool sending) const {
        const unsigned in_registers = first < api_.arch.register_words ? api_.arch.register_words - first : 0;
        const std::string message_index = first == 0 ? "i" : "i + " + std::to_string(first);
        const std::string count = cpp_name(method_.inputs[*method_.register_count].name);
        out << "    // Only the first `" << count << "` words of " << cpp_name(param.name) << " are "
            << (sending ? "sent" : "received") << ".\n"
            << "    for (Word i = " << in_registers << "; i < std::min<Word>(" << count << ", "
            << param.type.bits / word_ << "); ++i)\n"
            << "        " << (sending ? "ipc.msg[" + message_index + "] = " + words_of(param) + "[i]"
                                      : words_of(param) + "[i] = ipc.msg[" + message_index + "]")
            << ";\n";
    }

    void marshal(std::ostringstream &out) const {
        std::vector<std::vector<std::string>> parts(std::max(method_.input_words, api_.arch.register_words));
        const Parameter *counted = register_struct(method_.inputs);
        for (const Parameter &param : method_.inputs) {
            const unsigned index = param.offset / word_;
            const std::string name = cpp_name(param.name);
            switch (param.type.kind) {
            case Kind::Cap:
                break;
            case Kind::Integer:
            case Kind::Bool:
                parts[index].push_back(param.type.bits == word_ ? name
                                                                : shifted_left("Word{" + name + "}", param.offset % word_));
                break;
            case Kind::CapRights:
                parts[index].push_back(name + ".words[0]");
                break;
            case Kind::Struct:
                for (unsigned i = 0; i < param.type.bits / word_; ++i)
                    if (&param != counted || index + i < api_.arch.register_words)
                        parts[index + i].push_back(words_of(param) + "[" + std::to_string(i) + "]");
                break;
            }
        }
        for (unsigned i = 0; i < parts.size(); ++i) {
            std::string value;
            for (const std::string &part : parts[i])
                value += (value.empty() ? "" : " | ") + part;
            if (i < api_.arch.register_words)
                out << "    Word mr" << i << " = " << (value.empty() ? "0" : value) << ";\n";
            else if (!value.empty())
                out << "    ipc.msg[" << i << "] = " << value << ";\n";
        }
        if (counted)
            count_loop(out, *counted, counted->offset / word_, true);
    }

    void unmarshal(std::ostringstream &out) const {
        const Parameter *counted = register_struct(method_.outputs);
        for (const Parameter &param : method_.outputs) {
            const unsigned index = param.offset / word_;
            const unsigned shift = param.offset % word_;
            const std::string name = cpp_name(param.name);
            const std::string source = message_word(index);
            const std::string bits = shift == 0 ? source : "(" + source + " >> " + std::to_string(shift) + ")";
            switch (param.type.kind) {
            case Kind::Integer:
                out << "    " << name << " = "
                    << (param.type.bits == word_ ? source : "static_cast<" + param.type.cpp + ">(" + bits + ")")
                    << ";\n";
                break;
            case Kind::Bool:
                out << "    " << name << " = (" << bits << " & 1) != 0;\n";
                break;
            case Kind::Struct: {
                const unsigned words = param.type.bits / word_;
                // Written in place, word by word; libsel4 leaves the words beyond `count` as they were.
                out << "    Word *const " << words_of(param) << " = detail::words_of(" << name << ");\n";
                if (&param == counted) {
                    for (unsigned i = 0; i < words && index + i < api_.arch.register_words; ++i)
                        out << "    " << words_of(param) << "[" << i << "] = " << message_word(index + i) << ";\n";
                    count_loop(out, param, index, false);
                } else {
                    for (unsigned i = 0; i < words; ++i)
                        out << "    " << words_of(param) << "[" << i << "] = " << message_word(index + i) << ";\n";
                }
                break;
            }
            case Kind::Cap:
            case Kind::CapRights:
                break; // rejected by the parser
            }
        }
    }

    const ObjectApi &api_;
    const Method &method_;
    unsigned word_;
};

// Two methods that would get one C++ name.
void check_names(const std::vector<const Method *> &methods) {
    std::map<std::string, const Method *> stubs;
    std::map<std::pair<std::string, std::string>, const Method *> mixins;
    for (const Method *method : methods) {
        auto clash = [&](const Method *other, const std::string &name) {
            // Built with append: GCC 12 at -O3 warns falsely (-Wrestrict) on "'" + std::string.
            std::string what = std::string(1, '\'').append(method->c_name()).append("' and '");
            what.append(other->c_name()).append("' (").append(other->path).append(":");
            what.append(std::to_string(other->line)).append(") would both be named '").append(name).append("' in C++");
            throw InputError(method->path, method->line, what);
        };
        if (auto [it, fresh] = stubs.emplace(stub_name(*method), method); !fresh)
            clash(it->second, it->first);
        if (auto [it, fresh] = mixins.emplace(std::pair{method->tag, mixin_name(*method)}, method); !fresh)
            clash(it->second, "Methods<obj::" + method->tag + ">::" + it->first.second);
    }
}

bool takes(const Method *method, Typed typed) {
    return std::any_of(method->typed_inputs.begin(), method->typed_inputs.end(),
                       [&](const TypedInput &input) { return input.typed == typed; });
}

} // namespace

std::string snake_case(const std::string &name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (c == '_' || !upper(c)) {
            if (c != '_' || (!out.empty() && out.back() != '_'))
                out += c;
            continue;
        }
        bool boundary = i > 0 && lower_or_digit(name[i - 1]);
        if (i > 0 && upper(name[i - 1]) && i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]))) {
            // The last capital of a run starts a word; the run before it is an acronym unless it
            // is a single letter (CNode, VSpace).
            std::size_t run_start = i;
            while (run_start > 0 && upper(name[run_start - 1]))
                --run_start;
            boundary = i - run_start >= 2;
        }
        if (boundary && !out.empty() && out.back() != '_')
            out += '_';
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

std::string stub_name(const Method &method) {
    std::string interface = method.interface;
    if (interface.starts_with("seL4_"))
        interface.erase(0, 5);
    return snake_case(interface) + "_" + snake_case(method.name);
}

std::string mixin_name(const Method &method) { return parameter_name(snake_case(method.name)); }

std::string out_struct_name(const Method &method) {
    std::string name = method.tag;
    for (char c : method.name)
        if (c != '_')
            name += c;
    return name + "Out";
}

std::string emit_invocations_header(const ObjectApi &api, const Provenance &from) {
    const std::vector<const Method *> methods = api.included_methods();
    check_names(methods);

    std::ostringstream out;
    out << header_comment(from, "seL4 invocations: labels, low-level stubs (the C++ counterpart of libsel4's "
                                "sel4_client.h) and typed methods, for " + api.arch.name + ".")
        << "#pragma once\n\n"
        << "#include <sel4/invocation_support.hpp>\n\n"
        << "#include <algorithm>\n#include <cstdint>\n#include <expected>\n#include <type_traits>\n";

    out << "\nnamespace sel4::obj {\n";
    for (const std::string &tag : api.tags)
        out << "/// \\brief The kind of kernel object a Cap<obj::" << tag << "> refers to (a tag, never defined).\n"
            << "struct " << tag << ";\n";
    if (api.arch.vspace_tag != "VSpace")
        out << "/// \\brief The root of a VSpace on " << api.arch.name << ": a " << api.arch.vspace_tag << ".\n"
            << "using VSpace = " << api.arch.vspace_tag << ";\n";
    out << "} // namespace sel4::obj\n\nnamespace sel4::cap {\n";
    for (const std::string &tag : api.tags)
        out << "/// \\brief A capability to a " << tag << ".\nusing " << tag << " = Cap<obj::" << tag << ">;\n";
    if (api.arch.vspace_tag != "VSpace")
        out << "/// \\brief A capability to the root of a VSpace (a " << api.arch.vspace_tag << ").\n"
            << "using VSpace = Cap<obj::VSpace>;\n";
    out << "} // namespace sel4::cap\n\nnamespace sel4::gen {\n\n";

    out << "/// \\brief The invocation labels: libsel4's invocation_label, sel4_arch_invocation_label and\n"
        << "/// arch_invocation_label as one enum, numbered as libsel4 numbers them in this configuration.\n"
        << "enum class InvocationLabel : Word {\n    InvalidInvocation = 0, ///< No invocation: the kernel rejects it.\n";
    for (const invocations::Label &label : api.labels)
        if (label.condition.holds)
            out << "    " << label.name << " = " << label.number << ", ///< libsel4's " << label.name
                << (label.condition.text.empty() ? "." : ", if `" + label.condition.text + "`.") << "\n";
    bool any_left_out = false;
    for (const invocations::Label &label : api.labels)
        if (!label.condition.holds) {
            if (!any_left_out)
                out << "    // Not in this configuration (the condition does not hold):\n";
            any_left_out = true;
            out << "    //   " << label.name << " if " << label.condition.text << "\n";
        }
    out << "};\n";

    std::set<std::string> structs;
    for (const Method *method : methods)
        for (const auto *params : {&method->inputs, &method->outputs})
            for (const Parameter &param : *params)
                if (param.type.kind == Kind::Struct && structs.insert(param.type.cpp).second)
                    out << (structs.size() == 1 ? "\n// The structs travel as words, as libsel4 sends them.\n" : "")
                        << "static_assert(sizeof(" << param.type.cpp << ") == " << param.type.bits / api.arch.word_bits
                        << " * sizeof(Word));\n";

    out << "\nnamespace detail {\n\n"
        << "// The error in a reply's label. On error the reply's first words, which arrived in\n"
        << "// registers, are stored in the IPC buffer as well, where the rest of the error message is.\n"
        << "inline Error reply_error(IpcBuffer &ipc, seL4_MessageInfo reply";
    for (unsigned i = 0; i < api.arch.register_words; ++i)
        out << ", Word mr" << i;
    out << ") noexcept {\n"
        << "    const auto error = static_cast<Error>(reply.get_label());\n"
        << "    if (error != Error::NoError) {\n";
    for (unsigned i = 0; i < api.arch.register_words; ++i)
        out << "        ipc.msg[" << i << "] = mr" << i << ";\n";
    out << "    }\n    return error;\n}\n\n"
        << "// T named through Self, so that the typed methods need T complete only where they are\n"
        << "// used: Cap<Object> derives from Methods, so it is incomplete where they are defined, and\n"
        << "// AbsoluteCPtr, which holds a Cap<obj::CNode>, is defined after Cap.\n"
        << "template <class T, class Self> struct Dependent {\n    using type = T;\n};\n\n"
        << "// The words of a register-context struct, which is made of words only, read and written in\n"
        << "// place as libsel4 does (no copy of the whole struct).\n"
        << "template <class T> const Word *words_of(const T &value) noexcept {\n"
        << "    static_assert(std::is_standard_layout_v<T> && sizeof(T) % sizeof(Word) == 0);\n"
        << "    return reinterpret_cast<const Word *>(&value);\n}\n"
        << "template <class T> Word *words_of(T &value) noexcept {\n"
        << "    static_assert(std::is_standard_layout_v<T> && sizeof(T) % sizeof(Word) == 0);\n"
        << "    return reinterpret_cast<Word *>(&value);\n}\n\n"
        << "} // namespace detail\n";

    out << "\n// ---- Low-level stubs, as libsel4's: the cap inputs go to ipc.caps_or_badges, the other inputs\n"
        << "// are packed into message words (0-" << api.arch.register_words - 1 << " in registers, the rest in ipc.msg), and\n"
        << "// the info is seL4_MessageInfo(label, 0, extra caps, words). Outputs are written only on success.\n";
    for (const Method *method : methods)
        MethodWriter(api, *method).stub(out);

    out << "\n// ---- Typed methods, mixed into Cap<Object> (Self), which provides ipc_buffer() and cptr().\n";
    for (const Method *method : methods)
        MethodWriter(api, *method).out_struct(out);
    out << "\n/// \\brief The typed invocations of a kind of object, mixed into Cap<Object> and Bound<Object>\n"
        << "/// (`Self`, which provides ipc_buffer() and cptr()); empty for objects without invocations.\n"
        << "template <class Object, class Self> struct Methods {};\n";
    for (const std::string &tag : api.tags) {
        std::vector<const Method *> of_tag;
        for (const Method *method : methods)
            if (method->tag == tag)
                of_tag.push_back(method);
        if (of_tag.empty())
            continue;
        out << "\n/// \\brief The invocations of a " << tag << " (" << of_tag.front()->interface
            << "), as methods of Cap<obj::" << tag << "> and Bound<obj::" << tag << ">.\n"
            << "template <class Self> struct Methods<obj::" << tag << ", Self> {\n";
        if (std::any_of(of_tag.begin(), of_tag.end(), [](const Method *m) { return takes(m, Typed::Cap); }))
            out << "    /// \\brief Cap<Object>, named through Self.\n"
                << "    template <class Object> using Cap = typename detail::Dependent<sel4::Cap<Object>, Self>::type;\n";
        if (std::any_of(of_tag.begin(), of_tag.end(), [](const Method *m) { return takes(m, Typed::Absolute); }))
            out << "    /// \\brief sel4::AbsoluteCPtr, named through Self.\n"
                << "    using AbsoluteCPtr = typename detail::Dependent<sel4::AbsoluteCPtr, Self>::type;\n";
        for (const Method *method : of_tag)
            MethodWriter(api, *method).mixin_method(out);
        out << "};\n";
    }
    out << "\n} // namespace sel4::gen\n";
    return out.str();
}

} // namespace sel4_bindgen
