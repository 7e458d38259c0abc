// Constants read from libsel4's headers: the fixture kernel's generated constants.hpp,
// what is emitted and what is not, name clashes, and random mutations of a real kernel's
// headers (an InputError or a result, never anything else).
#include "constants.hpp"
#include "diagnostics.hpp"

#include <sel4/gen/constants.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <random>
#include <type_traits>

using namespace sel4_bindgen;

// The fixture's headers (tests/data/prefix/libsel4/include/sel4), as generated.
static_assert(static_cast<sel4::gen::Word>(sel4::gen::Error::InvalidArgument) == 1);
static_assert(static_cast<sel4::gen::Word>(sel4::gen::ObjectType::ARM_SmallPageObject) == 2);
static_assert(sel4::gen::ObjectTypeCount == 3 && sel4::gen::NumErrors == 2);
static_assert(sel4::gen::ARM_VCPUObject == 0xfffe); // #ifndef CONFIG_KERNEL_MCS
static_assert(std::is_same_v<decltype(sel4::gen::InvalidPrio), const long> && sel4::gen::InvalidPrio == -1);
static_assert(sel4::gen::WordBits == 64 && sel4::gen::MsgMaxExtraCaps == 3 && sel4::gen::UserTop == 0x7fffffffffff);
static_assert(sel4::gen::VMFault_Length == 2);
// An enum named *_VMAttributes is typed, its enumerators without prefix and suffix.
static_assert(static_cast<sel4::gen::Word>(sel4::gen::ARM_VMAttributes::Default) == 1);
static_assert((sel4::gen::ARM_VMAttributes::ExecuteNever | sel4::gen::ARM_VMAttributes::PageCacheable) !=
                  sel4::gen::ARM_VMAttributes::ExecuteNever &&
              ((sel4::gen::ARM_VMAttributes::ExecuteNever | sel4::gen::ARM_VMAttributes::PageCacheable) &
               sel4::gen::ARM_VMAttributes::ExecuteNever) == sel4::gen::ARM_VMAttributes::ExecuteNever);
static_assert(offsetof(sel4::gen::UserContext, x0) == 16 && sizeof(sel4::gen::UserContext) == 36 * 8);

namespace {

// A minimal libsel4: what constants::load requires, plus `extra` in sel4/sel4.h.
std::map<std::string, std::string> minimal(const std::string &extra) {
    return {{"sel4/sel4.h", "#include <sel4/errors.h>\n#include <sel4/objecttype.h>\n"
                            "typedef unsigned long seL4_Word;\n"
                            "typedef struct { seL4_Word pc; } seL4_UserContext;\n" + extra},
            {"sel4/errors.h", "typedef enum { seL4_NoError, seL4_NumErrors } seL4_Error;\n"},
            {"sel4/objecttype.h", "enum { seL4_UntypedObject, seL4_ObjectTypeCount };\n"},
            {"sel4/deprecated.h", "#define seL4_Old 1\n"}};
}

c::FileSource memory(std::map<std::string, std::string> files) {
    return [files = std::move(files)](const std::string &relative) -> std::optional<c::SourceFile> {
        auto it = files.find(relative);
        if (it == files.end())
            return std::nullopt;
        return c::SourceFile{relative, it->second};
    };
}

config::Config word_size(const std::string &bits) {
    config::Config config;
    config.parse("{\"WORD_SIZE\": \"" + bits + "\", \"KERNEL_MCS\": false}", "gen_config.json");
    return config;
}

constants::Constants load(const std::string &extra) { return constants::load(memory(minimal(extra)), word_size("64")); }

std::string load_error(const std::string &extra, const std::string &bits = "64") {
    try {
        constants::load(memory(minimal(extra)), word_size(bits));
    } catch (const InputError &error) {
        return error.what();
    }
    return "(no error)";
}

std::vector<std::string> names(const constants::Constants &constants) {
    std::vector<std::string> out;
    for (const constants::Group &group : constants.groups)
        for (const constants::Constant &constant : group.constants)
            out.push_back(group.file + ":" + std::to_string(constant.line) + " " + constant.name + "=" +
                          c::decimal(constant.value));
    return out;
}

} // namespace

TEST(Constants, EnumeratorsAndIntegerDefinesOfPublicNames) {
    constants::Constants result = load("#include <sel4/deprecated.h>\n"
                                       "#define seL4_Bits (sizeof(seL4_Word) * 8)\n#define seL4_Rights seL4_new(1)\n"
                                       "#define SEL4_ID 7\n#define LIBSEL4_INTERNAL 1\n#define seL4_Fn(x) x\n"
                                       "enum { seL4_A = -1, seL4_B, hidden };\n#define seL4_Alias seL4_B\n");
    // By file in the order first read, then by line.
    EXPECT_EQ(names(result), (std::vector<std::string>{
                                 "sel4/sel4.h:6 seL4_Bits=64", "sel4/sel4.h:8 SEL4_ID=7", "sel4/sel4.h:11 seL4_A=-1",
                                 "sel4/sel4.h:11 seL4_B=0", "sel4/sel4.h:12 seL4_Alias=0", "sel4/errors.h:1 seL4_NumErrors=1",
                                 "sel4/objecttype.h:1 seL4_ObjectTypeCount=1"}));
    EXPECT_EQ(result.not_integers.at("sel4/sel4.h"), std::vector<std::string>{"seL4_Rights"});
    EXPECT_EQ(result.groups[0].title, "#define");
    EXPECT_EQ(result.groups[3].title, "enum seL4_Error");
    EXPECT_EQ(result.groups[4].title, "enum");
    EXPECT_EQ(result.errors.constants.size(), 1u); // seL4_NumErrors is an ordinary constant
    EXPECT_EQ(result.structs.at(0).fields, std::vector<std::string>{"pc"});
    EXPECT_EQ(constants::cpp_name("seL4_X86_4K"), "X86_4K");
    EXPECT_EQ(constants::cpp_name("SEL4_BOOTINFO_HEADER_FDT"), "BOOTINFO_HEADER_FDT");
}

TEST(Constants, Errors) {
    EXPECT_EQ(load_error("#define seL4_Foo 1\n#define SEL4_Foo 2\n"),
              "sel4/sel4.h:6: SEL4_Foo and seL4_Foo at sel4/sel4.h:5 would both be Foo in C++");
    EXPECT_EQ(load_error("#define seL4_Word 3\n"), "sel4/sel4.h:5: seL4_Word and the type Word would both be Word in C++");
    EXPECT_EQ(load_error("#define seL4_Big (1 << 40)\n"), "sel4/sel4.h:5: #define seL4_Big: shift by 40 bits of a 32-bit value");
    EXPECT_EQ(load_error("", "16"), "kernel/gen_config.json: WORD_SIZE must be \"32\" or \"64\"");
    std::map<std::string, std::string> files = minimal("");
    files["sel4/sel4.h"] = "#include <sel4/errors.h>\n#include <sel4/objecttype.h>\n";
    try {
        constants::load(memory(files), word_size("64"));
        FAIL() << "no error";
    } catch (const InputError &error) {
        EXPECT_STREQ(error.what(), "sel4/sel4.h: no struct seL4_UserContext is reached from here");
    }
}

TEST(Constants, MutatedRealHeadersGiveAResultOrAnInputError) {
    namespace fs = std::filesystem;
    std::string include;
    if (fs::is_directory(BINDGEN_KERNELS_ROOT))
        for (const fs::directory_entry &kernel : fs::directory_iterator(BINDGEN_KERNELS_ROOT))
            if (fs::exists(kernel.path() / "libsel4/include/sel4/sel4.h") && include.empty())
                include = (kernel.path() / "libsel4/include").string();
    if (include.empty())
        GTEST_SKIP() << "no kernel installed under " << BINDGEN_KERNELS_ROOT;
    std::map<std::string, std::string> files;
    for (const fs::directory_entry &entry : fs::recursive_directory_iterator(include))
        if (entry.is_regular_file() && entry.path().extension() == ".h")
            files[fs::relative(entry.path(), include).string()] = read_text_file(entry.path().string());
    config::Config config;
    config.load(include + "/kernel/gen_config.json");
    config.load(include + "/sel4/gen_config.json");
    std::vector<std::string> read;
    for (const auto &[relative, path] : constants::load(memory(files), config).files)
        read.push_back(relative);

    static const char *const fragments[] = {
        "#if ", "\n#endif\n", "\n#else\n", "(", ")", "{", "}", ";", ",", "=", " enum ", " typedef ", " struct ",
        "\n#define seL4_X(", "##", "#", "\"", "'", "/*", "0x", " 1ull << 70 ", " defined ", "\\\n", "-", " sizeof(",
        "\n#include <sel4/sel4.h>\n", "\n#undef seL4_PageBits\n", "\n#define seL4_PageBits 13\n", "seL4_Word"};
    std::mt19937 random(7);
    auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(random); };
    int errors = 0;
    const int rounds = 40;
    for (int round = 0; round < rounds; ++round) {
        const std::string &name = read[pick(read.size())];
        std::string text = files[name];
        for (std::size_t edits = 1 + pick(3); edits > 0 && !text.empty(); --edits) {
            std::size_t at = pick(text.size());
            std::size_t line_start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
            std::size_t line_end = std::min(text.find('\n', at), text.size());
            std::string line = text.substr(line_start, line_end - line_start);
            switch (pick(4)) {
            case 0: text.erase(line_start, line_end - line_start); break;
            case 1: text.insert(line_start, line + "\n"); break;
            case 2: text.erase(at, 1 + pick(20)); break;
            default: text.insert(at, fragments[pick(std::size(fragments))]); break;
            }
        }
        std::map<std::string, std::string> mutated = files;
        mutated[name] = text;
        try {
            constants::load(memory(mutated), config);
        } catch (const InputError &) {
            ++errors;
        } catch (const std::exception &error) {
            ADD_FAILURE() << "round " << round << ", " << name << ": " << error.what();
        }
    }
    EXPECT_GT(errors, 0);
    EXPECT_LT(errors, rounds);
}
