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
    unsigned offset = 0; // in the message (or reply) in bits; for Kind::Cap the extra cap index
};

struct Method {
    std::string interface; // seL4_TCB
    std::string tag;       // the sel4::obj tag of the interface: Tcb
    std::string name;      // WriteRegisters
    std::string label;     // TCBWriteRegisters
    xml::Condition condition;
    std::string brief;     // the <brief> text on one line
    std::string path;
    int line = 0;
    std::vector<Parameter> inputs; // without the invoked cap
    std::vector<Parameter> outputs;
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
    std::vector<std::string> tags;    // every sel4::obj tag named (interfaces and cap parameters) but Unspecified
    std::vector<StructType> structs;  // the struct types of this arch

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
