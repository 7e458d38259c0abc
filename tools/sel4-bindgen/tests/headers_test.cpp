// The generated C++ for the fixture kernel (tests/data/prefix), which holds what libsel4's
// own files do not: field_high with and without sign extension, 32-bit words, a visible
// order. Expected words are worked out by hand from libsel4's accessor semantics (and were
// checked once against seL4's bitfield_gen.py output). Also: the command line's all-or-nothing
// behaviour on bad input.
#include "diagnostics.hpp"
#include "emit_headers.hpp"
#include "pbf.hpp"

#include <sel4/gen/bitfields.hpp>
#include <sel4/gen/syscalls.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace sel4::gen;

static_assert(static_cast<long>(sel4::sys::Syscall::Call) == -1);
static_assert(static_cast<long>(sel4::sys::Syscall::Either) == -5);
static_assert(static_cast<long>(sel4::sys::Syscall::Always) == -7);

// Usable in constant expressions.
static_assert(frame_cap(3, 0xffff800000001000, 1, 0).get_basePtr() == 0xffff800000001000);
static_assert(Thing(Thing::Beta(5)).get_tag() == Thing::Tag::Beta);

TEST(Generated, HighFieldsAreSignExtendedFromTheCanonicalBit) {
    frame_cap cap(3, 0xffff800000001000, 1, 0x00007fffff5ff000);
    EXPECT_EQ(cap.words[1], 0x1800800000001000u);
    EXPECT_EQ(cap.words[0], 0x7fffff5ff0000001u); // value bits 12..47 stored from bit 28
    EXPECT_EQ(cap.get_capType(), 3u);
    EXPECT_EQ(cap.get_basePtr(), 0xffff800000001000u);
    EXPECT_EQ(cap.get_mapped(), 0x00007fffff5ff000u);
    EXPECT_EQ(cap.get_size(), 1u);
    cap.set_mapped(0xffffabcdef123000);
    EXPECT_EQ(cap.words[0], 0xabcdef1230000001u);
    EXPECT_EQ(cap.get_mapped(), 0xffffabcdef123000u);
}

TEST(Generated, HighFieldWithoutSignExtension) {
    pte entry(0x7fffffffff);
    EXPECT_EQ(entry.words[0], 0xffffffe000000000u); // value bits 12..38 stored from bit 37
    EXPECT_EQ(entry.get_ppn(), 0x7ffffff000u);
}

TEST(Generated, ThirtyTwoBitWords) {
    static_assert(std::is_same_v<decltype(small32{}.words), std::array<std::uint32_t, 1>>);
    small32 value(0xf, 0x1234);
    EXPECT_EQ(value.words[0], 0xf0001234u);
    value.set_b(0xffff);
    EXPECT_EQ(value.get_b(), 0xffffu);
    EXPECT_EQ(value.get_a(), 0xfu);
}

TEST(Generated, TaggedUnionVariants) {
    Thing thing = Thing::Beta(5);
    EXPECT_EQ(thing.words[0], 0x52u);
    EXPECT_EQ(thing.get_tag(), Thing::Tag::Beta);
    Thing::Beta beta = thing.as_Beta();
    EXPECT_EQ(beta.get_y(), 5u);
    beta.set_y(0xfffffff);
    EXPECT_EQ(beta.words[0], 0xfffffff2u);
    EXPECT_EQ(Thing(Thing::Gamma()).words[0], 0xfu);
    EXPECT_EQ(Thing::Alpha().words[0], 0x1u);
    EXPECT_EQ(Thing::Alpha(7), Thing::Alpha(7));
}

TEST(Generated, NamesThatAreCxxKeywordsAreRejected) {
    sel4_bindgen::pbf::File file =
        sel4_bindgen::pbf::parse("base 64\nblock int {\n field a 64\n}\n", "k.pbf");
    try {
        sel4_bindgen::emit_bitfields_header({file}, {"/p", {"k.pbf"}});
        FAIL();
    } catch (const sel4_bindgen::InputError &error) {
        EXPECT_STREQ(error.what(), "k.pbf:2: block name 'int' is a C++ keyword");
    }
    EXPECT_EQ(sel4_bindgen::parameter_name("new"), "new_");
}

namespace {

struct Outcome {
    int status;
    std::string errors;
};

Outcome run_bindgen(const std::string &arguments) {
    std::string log = ::testing::TempDir() + "/bindgen-" + std::to_string(::getpid()) + ".log";
    int status = std::system((std::string(BINDGEN_EXECUTABLE) + " " + arguments + " 2>" + log).c_str());
    std::ifstream in(log);
    std::stringstream errors;
    errors << in.rdbuf();
    fs::remove(log);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, errors.str()};
}

fs::path fresh_dir(const std::string &name) {
    fs::path dir = fs::path(::testing::TempDir()) / ("bindgen-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

} // namespace

TEST(CommandLine, BadInputLeavesNoOutput) {
    fs::path prefix = fresh_dir("prefix");
    fs::copy(std::string(BINDGEN_TEST_DATA) + "/prefix", prefix, fs::copy_options::recursive);
    fs::path arch_pbf = prefix / "libsel4/include/sel4/sel4_arch/types.pbf";
    std::ofstream(arch_pbf, std::ios::app) << "block Broken {\n  field x 3\n}\n";
    fs::path out = fresh_dir("out");

    Outcome run = run_bindgen("--prefix " + prefix.string() + " --out " + out.string() + " --emit-bitfield-test " +
                          out.string() + " --test-suite S");
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.errors, arch_pbf.string() + ":21: block 'Broken' has 3 bits, not a multiple of the base (64)\n");
    EXPECT_TRUE(fs::is_empty(out)) << "partial output left in " << out;

    fs::remove_all(prefix);
    fs::remove_all(out);
}

TEST(CommandLine, GoodInputWritesEveryFile) {
    fs::path out = fresh_dir("good");
    Outcome run = run_bindgen("--prefix " + std::string(BINDGEN_TEST_DATA) + "/prefix --out " + out.string() +
                          " --emit-bitfield-test " + out.string() + "/test --test-suite S");
    EXPECT_EQ(run.status, 0) << run.errors;
    for (const char *file : {"sel4/gen/syscalls.hpp", "sel4/gen/bitfields.hpp", "test/bitfield_equivalence_test.cpp",
                             "test/bitfield_equivalence_c.c"})
        EXPECT_TRUE(fs::exists(out / file)) << file;
    fs::remove_all(out);
}

TEST(CommandLine, UsageErrors) {
    EXPECT_EQ(run_bindgen("").status, 2);
    EXPECT_EQ(run_bindgen("--prefix /x --out /y --test-suite S").status, 2);
    EXPECT_EQ(run_bindgen("--prefix /nonexistent --out /tmp").status, 1);
}
