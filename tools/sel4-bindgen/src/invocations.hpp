// The kernel's object API: libsel4/include/interfaces/object-api.xml, object-api-sel4-arch.xml
// and object-api-arch.xml, read as seL4's invocation_header_gen.py (label numbers) and
// syscall_stub_gen.py (message layout) read them.
//
// Labels: InvalidInvocation is 0; then every method's label (its `id`) in file order, the three
// files in the order above. A label whose <condition> does not hold is left out and the later
// ones move down, as libsel4's enums with #if do. A second method with the same label must say
// duplicate="true" and shares the first one's number.
//
// Message: the invoked cap is the destination; the other cap parameters go in order to the
// extra caps. The remaining input parameters are packed into message words in order, each
// aligned to its own size or a word, whichever is smaller (seL4_Bool takes 1 bit, structs
// whole words); output parameters are packed the same way in the reply. The first
// `register_words` message words travel in registers.
//
// Typed inputs: what the typed methods take instead of the stubs' inputs, from what the XML
// says an argument is (its type: a cap type, seL4_CapRights_t, *_VMAttributes; a CNode
// followed by an index and a depth: a CSpace address) and, where the XML leaves it a bare
// CPtr or word, from a table of what the parameter's description says it is (a VSpace, an
// endpoint, a badge...).
#pragma once

#include "config.hpp"
#include "xml.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sel4_bindgen::invocations {

// How a parameter type is marshalled.
enum class Kind {
    Integer,   // seL4_Word, seL4_UintN, seL4_Time, *_VMAttributes, seL4_VCPUReg
    Bool,      // seL4_Bool: one bit
    CapRights, // seL4_CapRights_t: its single word
    Cap,       // seL4_CPtr and its typedefs: an extra cap, not in the message
    Struct,    // seL4_UserContext, ...: whole words, passed by reference
};

struct Type {
    std::string c_name; // as in the XML: seL4_Uint8
    Kind kind = Kind::Integer;
    unsigned bits = 0;  // size in a message
    std::string cpp;    // C++ type in the low-level stubs: Word, std::uint8_t, bool, seL4_CapRights, CPtr, UserContext
    std::string tag;    // Kind::Cap: the sel4::obj tag (Unspecified for seL4_CPtr)
};

struct Parameter {
    std::string name;
    Type type;
    int line = 0;
    unsigned offset = 0;     // in the message (or reply) in bits; for Kind::Cap the extra cap index
    std::string description; // the `description` attribute, on one line
};

// What a typed method takes in place of one or more of the stub's inputs.
enum class Typed {
    Same,         // the stub's own type: integers, bools, structs
    Cap,          // Cap<obj::tag>: a cap parameter, or a seL4_Word that holds a CPtr
    CapRights,    // CapRights
    VmAttributes, // the enum class named after the XML type (seL4_ARM_VMAttributes: ARM_VMAttributes)
    Badge,        // Badge
    CapData,      // CapData: a badge or a CNode guard
    CNodeCapData, // CNodeCapData: a CNode guard
    Blueprint,    // ObjectBlueprint, for Untyped_Retype's type and size_bits
    Absolute,     // AbsoluteCPtr, for a CNode followed by an index and a depth
    Relative,     // RelativeCPtr, for an index and a depth resolved from the invoked CNode
};

struct TypedInput {
    Typed typed = Typed::Same;
    std::string name;                // as in the XML, or the group's: src for src_root, src_index, src_depth
    std::string tag;                 // Typed::Cap: the sel4::obj tag
    std::vector<std::size_t> inputs; // the Method::inputs it stands for, in order
};

struct Method {
    std::string interface; // seL4_TCB
    std::string tag;       // the sel4::obj tag of the interface: Tcb
    std::string name;      // WriteRegisters
    std::string label;     // TCBWriteRegisters
    xml::Condition condition;
    std::string brief;       // the <brief> text on one line
    std::string description; // the <description> text on one line
    std::string path;
    int line = 0;
    std::vector<Parameter> inputs; // without the invoked cap
    std::vector<Parameter> outputs;
    std::vector<TypedInput> typed_inputs; // the typed method's inputs, covering `inputs` in order
    unsigned input_words = 0;
    unsigned extra_caps = 0;
    // TCB ReadRegisters/WriteRegisters: libsel4 moves the struct's words beyond the registers
    // only while their index is below this input (`count`).
    std::optional<std::size_t> register_count;

    std::string c_name() const { return interface + "_" + name; }
};

struct Label {
    std::string name;
    long number = 0; // meaningful when the condition holds
    xml::Condition condition;
    std::string path;
    int line = 0;
};

struct Arch {
    std::string name; // the SEL4_ARCH value: aarch64
    unsigned word_bits = 64;
    unsigned register_words = 4; // seL4_FastMessageRegisters
    std::string vspace_tag;      // the sel4::obj tag of a VSpace root (obj::VSpace names it on every arch)
};

struct StructType {
    std::string cpp; // UserContext
    unsigned words = 0;
};

struct ObjectApi {
    Arch arch;
    std::vector<std::string> paths;   // the files read, in order
    std::vector<Label> labels;        // in libsel4's order, including those left out
    std::vector<Method> methods;      // in file order, including those left out
    std::vector<std::string> tags;    // every sel4::obj tag named (interfaces, cap parameters) but the support header's

    // The methods whose condition holds: those with stubs.
    std::vector<const Method *> included_methods() const {
        std::vector<const Method *> included;
        for (const Method &method : methods)
            if (method.condition.holds)
                included.push_back(&method);
        return included;
    }
};

// `files` are (path, text) pairs in libsel4's order. Throws InputError naming file:line.
ObjectApi parse(const std::vector<std::pair<std::string, std::string>> &files, const config::Config &config);
ObjectApi load(const std::vector<std::string> &paths, const config::Config &config);

} // namespace sel4_bindgen::invocations
