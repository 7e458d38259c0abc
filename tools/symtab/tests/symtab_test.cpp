#include "symtab.hpp"

#include <elf_file.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

template <class T>
T get(const std::vector<std::uint8_t> &bytes, std::size_t at) {
    T value{};
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    return value;
}

std::string error_of(const std::vector<std::uint8_t> &bytes) {
    try {
        symtab::embed(bytes, "prog");
    } catch (const symtab::Error &e) {
        return e.what();
    }
    return "no error";
}

// A copy of a sample program in the temporary directory.
std::string copy_of_sample(const std::string &program, const std::string &name) {
    std::string path = (std::filesystem::temp_directory_path() / (name + "." + std::to_string(getpid()))).string();
    std::filesystem::copy_file(program, path, std::filesystem::copy_options::overwrite_existing);
    return path;
}

}  // namespace

TEST(Symtab, TableIsSortedDeduplicatedAndPacked) {
    std::vector<std::uint8_t> table =
        symtab::build_table({{0x2000, 0x10, "b()"}, {0x1000, 0x20, "a(int, char)"}, {0x2000, 0x10, "alias()"}});
    ASSERT_EQ(table.size(), 16u + 2 * 16 + sizeof "a(int, char)" + sizeof "b()");
    EXPECT_EQ(std::string(table.begin(), table.begin() + 8), "cppsel4S");
    EXPECT_EQ(get<std::uint32_t>(table, 8), 2u);
    EXPECT_EQ(get<std::uint32_t>(table, 12), 48u);
    EXPECT_EQ(get<std::uint64_t>(table, 16), 0x1000u);
    EXPECT_EQ(get<std::uint32_t>(table, 24), 0x20u);
    EXPECT_EQ(get<std::uint32_t>(table, 28), 0u);
    EXPECT_EQ(get<std::uint64_t>(table, 32), 0x2000u);
    EXPECT_EQ(get<std::uint32_t>(table, 40), 0x10u);
    EXPECT_EQ(get<std::uint32_t>(table, 44), sizeof "a(int, char)");
    EXPECT_STREQ(reinterpret_cast<const char *>(table.data() + 48), "a(int, char)");
    EXPECT_STREQ(reinterpret_cast<const char *>(table.data() + 48 + sizeof "a(int, char)"), "b()");
}

TEST(Symtab, EmptyTableIsAHeader) {
    std::vector<std::uint8_t> table = symtab::build_table({});
    ASSERT_EQ(table.size(), 16u);
    EXPECT_EQ(get<std::uint32_t>(table, 8), 0u);
    EXPECT_EQ(get<std::uint32_t>(table, 12), 16u);
}

TEST(Symtab, FunctionsAreDemangled) {
    std::vector<symtab::Function> functions = symtab::read_functions(elf::read_file(SAMPLE_PROGRAM), SAMPLE_PROGRAM);
    auto twice = std::find_if(functions.begin(), functions.end(),
                              [](const symtab::Function &f) { return f.name == "sample::twice(int)"; });
    ASSERT_NE(twice, functions.end());
    EXPECT_GT(twice->size, 0u);
    EXPECT_NE(std::find_if(functions.begin(), functions.end(), [](const symtab::Function &f) { return f.name == "main"; }),
              functions.end());
}

TEST(Symtab, EmbedsIntoTheSectionOnly) {
    std::vector<std::uint8_t> original = elf::read_file(SAMPLE_PROGRAM);
    std::vector<std::uint8_t> embedded = symtab::embed(original, SAMPLE_PROGRAM);
    ASSERT_EQ(embedded.size(), original.size());
    std::vector<std::uint8_t> table = symtab::build_table(symtab::read_functions(original, SAMPLE_PROGRAM));
    auto at = std::search(embedded.begin(), embedded.end(), table.begin(), table.end());
    ASSERT_NE(at, embedded.end());
    std::size_t start = static_cast<std::size_t>(at - embedded.begin());
    for (std::size_t i = 0; i < original.size(); ++i) {
        if (i < start || i >= start + table.size()) {
            ASSERT_EQ(embedded[i], original[i]) << "byte " << i;
        }
    }
    // Embedding again gives the same file.
    EXPECT_EQ(symtab::embed(embedded, SAMPLE_PROGRAM), embedded);
}

TEST(Symtab, Errors) {
    EXPECT_EQ(error_of({'n', 'o', 't', ' ', 'e', 'l', 'f'}), "prog: header: not an ELF file");
    // The test program itself has no .cpp_sel4_symbols section.
    EXPECT_EQ(error_of(elf::read_file("/proc/self/exe")),
              "prog: .cpp_sel4_symbols: no such section (link the program with runtime-symbols)");

    // The sample with its symbol table turned into another kind of section.
    std::vector<std::uint8_t> bytes = elf::read_file(SAMPLE_PROGRAM);
    auto header = get<Elf64_Ehdr>(bytes, 0);
    for (std::size_t i = 0; i < header.e_shnum; ++i) {
        std::size_t type = header.e_shoff + i * sizeof(Elf64_Shdr) + offsetof(Elf64_Shdr, sh_type);
        if (get<std::uint32_t>(bytes, type) == SHT_SYMTAB) bytes[type] = SHT_NOTE;
    }
    EXPECT_EQ(error_of(bytes), "prog: .symtab: no symbol table (was the program stripped?)");
}

// Runs the tool on a copy of a program; its exit status, and its messages in text.
int run_tool(const std::string &path, std::string &text) {
    std::string output = path + ".err";
    int status = std::system((std::string(EMBED_TOOL) + " --elf " + path + " 2>" + output).c_str());
    std::vector<std::uint8_t> message = elf::read_file(output);
    text.assign(message.begin(), message.end());
    std::filesystem::remove(output);
    return status;
}

TEST(Symtab, ToolRewritesTheProgramKeepingItsMode) {
    std::string path = copy_of_sample(SAMPLE_PROGRAM, "symtab-sample");
    std::string text;
    EXPECT_EQ(run_tool(path, text), 0) << text;
    EXPECT_EQ(elf::read_file(path), symtab::embed(elf::read_file(SAMPLE_PROGRAM), SAMPLE_PROGRAM));
    EXPECT_EQ(std::filesystem::status(path).permissions(), std::filesystem::status(SAMPLE_PROGRAM).permissions());
    std::filesystem::remove(path);
}

TEST(Symtab, TooBigATableLeavesTheFileUntouched) {
    std::string path = copy_of_sample(SMALL_SAMPLE_PROGRAM, "symtab-small");
    std::vector<std::uint8_t> before = elf::read_file(path);
    std::string text;
    EXPECT_NE(run_tool(path, text), 0);
    EXPECT_EQ(text.find("sel4-embed-symbols: " + path + ": .cpp_sel4_symbols: the table needs "), 0u) << text;
    EXPECT_NE(text.find(" bytes but the section has 16 (raise CPP_SEL4_SYMBOL_TABLE_SIZE)\n"), std::string::npos) << text;
    EXPECT_EQ(elf::read_file(path), before);
    std::filesystem::remove(path);
}
