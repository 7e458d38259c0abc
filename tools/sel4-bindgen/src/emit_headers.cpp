#include "emit_headers.hpp"

#include "access.hpp"
#include "diagnostics.hpp"

#include <map>
#include <set>
#include <sstream>

namespace sel4_bindgen {

namespace {

const std::set<std::string> cpp_keywords = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
    "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq"};

std::string shifted(const std::string &expression, bool left, unsigned shift) {
    if (shift == 0)
        return expression;
    return "(" + expression + (left ? " << " : " >> ") + std::to_string(shift) + ")";
}

std::string bit_range(const pbf::Field &field, const pbf::Base &base) {
    unsigned low = field.offset % base.bits;
    std::string text = "word " + std::to_string(field.offset / base.bits) + ", bits " + std::to_string(low) + ".." +
                       std::to_string(low + field.size - 1);
    if (field.high)
        text += "; holds bits " + std::to_string(base.canonical_bits - field.size) + ".." +
                std::to_string(base.canonical_bits - 1) + " of the value" +
                (base.sign_extend ? ", sign-extended when read" : "");
    return text;
}

// Emits the members that a block and a union variant share: constructors, accessors, ==.
class StructWriter {
public:
    StructWriter(std::ostringstream &out, const pbf::Block &block, const std::string &type_name)
        : out_(out), block_(block), type_(type_name), word_(word_type(block.base)) {}

    // `tag_field`/`tag_value` are set for union variants: the tag is stored by the constructor
    // and has no accessors of its own.
    void members(const std::string &tag_field = "", const std::string &tag_value = "") {
        const pbf::Base &base = block_.base;
        out_ << "    std::array<" << word_ << ", " << block_.words() << "> words{}; ///< The words, as libsel4 stores them.\n\n";

        std::vector<std::string> params;
        for (const std::string &name : block_.param_order)
            if (name != tag_field)
                params.push_back(name);

        // Each word of the constructor: the fields stored in it, as libsel4's X_new stores them.
        std::vector<std::vector<std::string>> parts(block_.words());
        for (const pbf::Field &field : block_.fields) {
            Access a = access_of(field, base);
            std::string value = field.name == tag_field ? "static_cast<" + word_ + ">(" + tag_value + ")"
                                                        : parameter_name(field.name);
            if (a.value_mask != low_ones(base.bits))
                value = "(" + value + " & " + word_literal(a.value_mask, base) + ")";
            parts[a.word].push_back(shifted(value, a.store_left, a.shift));
        }
        std::string initializer;
        for (std::size_t w = 0; w < parts.size(); ++w) {
            std::string word;
            for (const std::string &part : parts[w])
                word += (word.empty() ? "" : " | ") + part;
            initializer += "              " + (word.empty() ? "0" : word) + ",\n";
        }

        if (params.empty()) {
            out_ << "    /// \\brief The value, as libsel4's " << type_ << "_new() makes it.\n"
                 << "    constexpr " << type_ << "() noexcept\n        : words{\n" << initializer << "          } {}\n";
        } else {
            out_ << "    /// \\brief Every field 0.\n";
            if (tag_field.empty()) {
                out_ << "    constexpr " << type_ << "() noexcept = default;\n";
            } else {
                out_ << "    constexpr " << type_ << "() noexcept : " << type_ << "(";
                for (std::size_t i = 0; i < params.size(); ++i)
                    out_ << (i ? ", " : "") << "0";
                out_ << ") {}\n";
            }
            out_ << "    /// \\brief The fields' values, in libsel4's order, as its " << type_ << "_new() stores them.\n"
                 << "    constexpr explicit " << type_ << "(";
            for (std::size_t i = 0; i < params.size(); ++i)
                out_ << (i ? ", " : "") << word_ << " " << parameter_name(params[i]);
            out_ << ") noexcept\n        : words{\n" << initializer << "          } {}\n";
        }

        for (const pbf::Field &field : block_.fields) {
            if (field.name == tag_field)
                continue;
            accessors(field);
        }
        out_ << "\n    /// \\brief Whether every word is equal.\n"
             << "    constexpr bool operator==(const " << type_ << " &) const noexcept = default;\n";
    }

private:
    void accessors(const pbf::Field &field) {
        const pbf::Base &base = block_.base;
        Access a = access_of(field, base);
        std::string index = "words[" + std::to_string(a.word) + "]";
        std::string mask = word_literal(a.mask, base);
        out_ << "\n    /// \\brief The field " << field.name << " (" << bit_range(field, base) << ").\n";
        const bool whole_word = a.mask == low_ones(base.bits);
        std::string read = whole_word ? index : shifted("(" + index + " & " + mask + ")", !a.store_left, a.shift);
        if (a.sign_bits == 0) {
            out_ << "    constexpr " << word_ << " get_" << field.name << "() const noexcept { return " << read
                 << "; }\n";
        } else {
            unsigned sign_bit = base.canonical_bits - 1;
            out_ << "    constexpr " << word_ << " get_" << field.name << "() const noexcept {\n"
                 << "        " << word_ << " value = " << read << ";\n"
                 << "        return (value >> " << sign_bit << ") & 1 ? value | " << word_literal(a.sign_bits, base)
                 << " : value;\n"
                 << "    }\n";
        }
        out_ << "    /// \\brief Stores `value` in the field " << field.name << ".\n"
             << "    constexpr void set_" << field.name << "(" << word_ << " value) noexcept {\n        " << index;
        if (whole_word)
            out_ << " = " << shifted("value", a.store_left, a.shift) << ";\n    }\n";
        else
            out_ << " = (" << index << " & ~" << mask << ") | (" << shifted("value", a.store_left, a.shift) << " & "
                 << mask << ");\n    }\n";
    }

    std::ostringstream &out_;
    const pbf::Block &block_;
    std::string type_;
    std::string word_;
};

// C++ rejects these as type names, or they would collide with generated members.
void check_type_name(const std::string &path, int line, const std::string &name, const std::string &what) {
    if (cpp_keywords.contains(name))
        throw InputError(path, line, what + " '" + name + "' is a C++ keyword");
}

void emit_block(std::ostringstream &out, const pbf::File &file, const pbf::Block &block) {
    check_type_name(file.path, block.line, block.name, "block name");
    out << "\n/// \\brief block " << block.name << " (" << file.path << ":" << block.line << "): libsel4's " << block.name
        << "_t, as words.\n";
    out << "struct " << block.name << " {\n";
    StructWriter(out, block, block.name).members();
    out << "};\n";
}

void emit_union(std::ostringstream &out, const pbf::File &file, const pbf::TaggedUnion &u) {
    check_type_name(file.path, u.line, u.name, "tagged_union name");
    const std::string word = word_type(u.base);
    const unsigned tag_word = u.tag_offset / u.base.bits;
    const unsigned tag_shift = u.tag_offset % u.base.bits;
    out << "\n/// \\brief tagged_union " << u.name << " " << u.tag_field << " (" << file.path << ":" << u.line
        << "): libsel4's " << u.name << "_t, as words.\n"
        << "///\n/// The tag (" << u.tag_field << ") is in word " << tag_word << ", bits " << tag_shift << ".."
        << tag_shift + u.tag_size - 1 << "; each variant is a struct nested in this one.\n"
        << "struct " << u.name << " {\n"
        << "    /// \\brief The variants (libsel4's " << u.tag_field << ").\n"
        << "    enum class Tag : " << word << " {\n";
    for (const pbf::Tag &tag : u.tags) {
        if (tag.name == "Tag" || tag.name == u.name || cpp_keywords.contains(tag.name))
            throw InputError(file.path, tag.line, "variant name '" + tag.name + "' cannot be used in C++");
        out << "        " << tag.name << " = " << tag.value << ", ///< The variant " << tag.name << ".\n";
    }
    out << "    };\n";
    for (const pbf::Tag &tag : u.tags)
        out << "    struct " << tag.name << ";\n";
    out << "\n    std::array<" << word << ", " << u.words() << "> words{}; ///< The words, as libsel4 stores them.\n\n"
        << "    /// \\brief Which variant the words hold.\n"
        << "    constexpr Tag get_tag() const noexcept {\n"
        << "        return static_cast<Tag>("
        << shifted("words[" + std::to_string(tag_word) + "]", false, tag_shift) << " & "
        << word_literal(low_ones(u.tag_size), u.base) << ");\n"
        << "    }\n";
    for (const pbf::Tag &tag : u.tags)
        out << "    /// \\brief The words as the variant " << tag.name << "; requires get_tag() == Tag::" << tag.name << ".\n"
            << "    constexpr " << tag.name << " as_" << tag.name << "() const noexcept;\n";
    out << "\n    /// \\brief Whether every word is equal.\n"
        << "    constexpr bool operator==(const " << u.name << " &) const noexcept = default;\n"
        << "};\n";

    for (const pbf::Tag &tag : u.tags) {
        const pbf::Block &block = *file.find_block(tag.name);
        out << "\n/// \\brief The variant " << tag.name << " of " << u.name << " (block at " << file.path << ":" << block.line
            << "): the same words, with the tag set.\n"
            << "struct " << u.name << "::" << tag.name << " {\n"
            << "    static constexpr Tag tag = Tag::" << tag.name << "; ///< The variant's tag.\n\n";
        StructWriter(out, block, tag.name).members(u.tag_field, "Tag::" + tag.name);
        out << "\n    /// \\brief The same words as a " << u.name << ".\n"
            << "    constexpr operator " << u.name << "() const noexcept { return " << u.name << "{words}; }\n"
            << "};\n";
    }
    for (const pbf::Tag &tag : u.tags)
        out << "\nconstexpr " << u.name << "::" << tag.name << " " << u.name << "::as_" << tag.name
            << "() const noexcept {\n"
            << "    " << tag.name << " variant;\n"
            << "    variant.words = words;\n"
            << "    return variant;\n"
            << "}\n";
}

} // namespace

std::string header_comment(const Provenance &from, const std::string &what) {
    std::string text = "/// @file\n/// " + what + "\n///\n/// Generated by sel4-bindgen from the seL4 kernel installed at " +
                       from.prefix + ":\n";
    for (const std::string &input : from.inputs)
        text += "/// - " + input + "\n";
    return text + "///\n/// Do not edit: run sel4-bindgen again.\n";
}

std::string parameter_name(const std::string &field_name) {
    return cpp_keywords.contains(field_name) ? field_name + "_" : field_name;
}

std::string emit_syscalls_header(const syscalls::Syscalls &syscalls, const Provenance &from) {
    std::ostringstream out;
    out << header_comment(from, "seL4 system call numbers (`<" + syscalls.api + ">`, chosen by KERNEL_MCS, then `<debug>`).")
        << "#pragma once\n\nnamespace sel4::sys {\n\n"
        << "/// \\brief The numbers of the system calls, as libsel4's enum syscall numbers them in this configuration.\n"
        << "enum class Syscall : long {\n";
    for (const syscalls::Syscall &syscall : syscalls.list)
        if (syscall.included)
            out << "    " << syscall.name << " = " << syscall.number << ", ///< seL4_Sys" << syscall.name
                << (syscall.condition.empty() ? "" : ", if `" + syscall.condition + "`") << ".\n";
    bool any_left_out = false;
    for (const syscalls::Syscall &syscall : syscalls.list)
        if (!syscall.included) {
            if (!any_left_out)
                out << "    // Not in this configuration (the condition does not hold):\n";
            any_left_out = true;
            out << "    //   " << syscall.name << " = " << syscall.number << " if " << syscall.condition << "\n";
        }
    out << "};\n\n} // namespace sel4::sys\n";
    return out.str();
}

std::string emit_bitfields_header(const std::vector<pbf::File> &files, const Provenance &from) {
    std::map<std::string, std::string> defined; // type name -> where
    for (const pbf::File &file : files) {
        auto claim = [&](const std::string &name, int line) {
            auto [it, fresh] = defined.emplace(name, file.path + ":" + std::to_string(line));
            if (!fresh)
                throw InputError(file.path, line, "'" + name + "' is already defined at " + it->second);
        };
        for (const pbf::Block &block : file.blocks)
            if (!file.is_variant(block.name))
                claim(block.name, block.line);
        for (const pbf::TaggedUnion &u : file.unions)
            claim(u.name, u.line);
    }

    std::ostringstream out;
    out << header_comment(from, "seL4 bitfield types: the C++ counterpart of libsel4's *_gen.h.")
        << "#pragma once\n\n#include <array>\n#include <cstdint>\n\nnamespace sel4::gen {\n";
    for (const pbf::File &file : files) {
        for (const pbf::Block &block : file.blocks)
            if (!file.is_variant(block.name))
                emit_block(out, file, block);
        for (const pbf::TaggedUnion &u : file.unions)
            emit_union(out, file, u);
    }
    out << "\n} // namespace sel4::gen\n";
    return out.str();
}

} // namespace sel4_bindgen
