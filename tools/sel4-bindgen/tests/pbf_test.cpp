// The .pbf parser: layout, the checks that reject malformed files with file:line errors,
// and random mutations of real files.
#include "diagnostics.hpp"
#include "pbf.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

using namespace sel4_bindgen;

namespace {

const std::string fixture_include = std::string(BINDGEN_TEST_DATA) + "/prefix/libsel4/include/";

std::string error_of(const std::string &text) {
    try {
        pbf::parse(text, "t.pbf");
    } catch (const InputError &error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST(Pbf, FieldsFillFromTheTopBitDownwards) {
    pbf::File file = pbf::parse("base 64\nblock M {\n field label 52\n field caps 3\n padding 2\n field length 7\n}\n", "t.pbf");
    ASSERT_EQ(file.blocks.size(), 1u);
    const pbf::Block &block = file.blocks[0];
    EXPECT_EQ(block.line, 2);
    EXPECT_EQ(block.words(), 1u);
    ASSERT_EQ(block.fields.size(), 3u);
    EXPECT_EQ(block.fields[0].offset, 12u);
    EXPECT_EQ(block.fields[1].offset, 9u);
    EXPECT_EQ(block.fields[2].offset, 0u);
    EXPECT_EQ(block.fields[2].line, 6);
    EXPECT_EQ(block.param_order, (std::vector<std::string>{"label", "caps", "length"}));
}

TEST(Pbf, FirstFieldIsInTheLastWord) {
    pbf::File file = pbf::parse("base 64\nblock F {\n padding 64\n field ip 64\n padding 60\n field type 4\n}", "t.pbf");
    const pbf::Block &block = file.blocks[0];
    EXPECT_EQ(block.words(), 3u);
    EXPECT_EQ(block.find("ip")->offset, 64u);
    EXPECT_EQ(block.find("type")->offset, 0u);
}

TEST(Pbf, FixtureHasEveryConstruct) {
    pbf::File shared = pbf::load(fixture_include + "sel4/shared_types.pbf");
    const pbf::Block *frame = shared.find_block("frame_cap");
    ASSERT_NE(frame, nullptr);
    EXPECT_EQ(frame->base.canonical_bits, 48u);
    EXPECT_TRUE(frame->base.sign_extend);
    EXPECT_TRUE(frame->find("basePtr")->high);
    EXPECT_EQ(frame->param_order, (std::vector<std::string>{"capType", "basePtr", "size", "mapped"}));
    EXPECT_EQ(shared.find_block("small32")->base.bits, 32u);
    EXPECT_FALSE(shared.find_block("pte")->base.sign_extend);

    pbf::File arch = pbf::load(fixture_include + "sel4/sel4_arch/types.pbf");
    ASSERT_EQ(arch.unions.size(), 1u);
    const pbf::TaggedUnion &thing = arch.unions[0];
    EXPECT_EQ(thing.tag_offset, 0u);
    EXPECT_EQ(thing.tag_size, 4u);
    EXPECT_EQ(thing.words(), 1u);
    EXPECT_TRUE(arch.is_variant("Beta"));
}

TEST(Pbf, IntegerLiteralsInEveryRadix) {
    pbf::File file = pbf::parse("base 0x40\nblock B {\n field a 0b11\n field b 0o5\n field c 07\n padding 49L\n}", "t.pbf");
    EXPECT_EQ(file.blocks[0].find("a")->size, 3u);
    EXPECT_EQ(file.blocks[0].find("b")->size, 5u);
    EXPECT_EQ(file.blocks[0].find("c")->size, 7u);
}

TEST(Pbf, RealKernelFilesParse) {
    bool any = false;
    std::error_code ignored;
    for (const auto &entry : std::filesystem::directory_iterator("/opt/sel4", ignored)) {
        for (const char *name : {"/libsel4/include/sel4/shared_types.pbf", "/libsel4/include/sel4/sel4_arch/types.pbf"}) {
            std::string path = entry.path().string() + name;
            if (!std::filesystem::exists(path))
                continue;
            any = true;
            EXPECT_NO_THROW(pbf::load(path)) << path;
        }
    }
    if (!any)
        GTEST_SKIP() << "no kernel installed under /opt/sel4";
}

struct BadInput {
    const char *text;
    const char *error; // the whole message, file:line included
};

class PbfErrors : public ::testing::TestWithParam<BadInput> {};

TEST_P(PbfErrors, NameFileAndLine) { EXPECT_EQ(error_of(GetParam().text), GetParam().error); }

INSTANTIATE_TEST_SUITE_P(
    Pbf, PbfErrors,
    ::testing::Values(
        BadInput{"block B {\n}", "t.pbf:1: block before any 'base' line"},
        BadInput{"base 64\nstruct B {}", "t.pbf:2: expected 'base', 'block' or 'tagged_union', found 'struct'"},
        BadInput{"base 16", "t.pbf:1: base must be 32 or 64, not 16"},
        BadInput{"base 64(65, 1)", "t.pbf:1: canonical bits must be between 1 and 64, not 65"},
        BadInput{"base 64(48, 2)", "t.pbf:1: sign extension flag must be 0 or 1, not 2"},
        BadInput{"base 64\n#include <x.bf>", "t.pbf:2: preprocessor directive in a .pbf file (expected the preprocessed form)"},
        BadInput{"base 64\nblock B {\n field a 32\n}", "t.pbf:2: block 'B' has 32 bits, not a multiple of the base (64)"},
        BadInput{"base 64\nblock B {\n field a 32\n field b 40\n padding 56\n}",
                 "t.pbf:4: field 'b' of block 'B' crosses a word boundary (bits 56..95)"},
        BadInput{"base 64\nblock B {\n field a 32\n field a 32\n}", "t.pbf:4: field 'a' appears twice in block 'B'"},
        BadInput{"base 64\nblock B {\n field a 0\n padding 64\n}", "t.pbf:3: field 'a' has size 0"},
        BadInput{"base 64\nblock B {\n field a 64\n", "t.pbf:4: block 'B' is not closed (missing '}')"},
        BadInput{"base 64\nblock B {\n field a 64\n}\nblock B {\n field a 64\n}", "t.pbf:5: 'B' is already defined at line 2"},
        BadInput{"base 64\nblock B {\n field a 6x4\n}", "t.pbf:3: malformed integer '6x4'"},
        BadInput{"base 64\nblock B {\n field a 64 - 1\n}", "t.pbf:3: integer expressions ('-') are not supported"},
        BadInput{"base 64\nblock B {\n field a @\n}", "t.pbf:3: unexpected character '@'"},
        BadInput{"base 64\nblock B {\n field_ptr a 64\n}", "t.pbf:3: 'field_ptr' is not supported (libsel4's interface files do not use it)"},
        BadInput{"base 64\nblock B {\n field block 64\n}", "t.pbf:3: expected field name, found keyword 'block'"},
        BadInput{"base 64(48, 1)\nblock B {\n field_high p 49\n padding 15\n}",
                 "t.pbf:3: field_high 'p' is wider than the canonical bits (48)"},
        BadInput{"base 64\nblock B (a, c) {\n field a 32\n field b 32\n}",
                 "t.pbf:2: visible order names 'c', which is not a field of block 'B'"},
        BadInput{"base 64\nblock B (a) {\n field a 32\n field b 32\n}",
                 "t.pbf:2: visible order of block 'B' leaves out field 'b'"},
        BadInput{"base 64\ntagged_union U t {\n}", "t.pbf:2: tagged_union 'U' has no tags"},
        BadInput{"base 64\ntagged_union U t {\n tag A 1\n}", "t.pbf:3: tag 'A' names no block in this file"},
        BadInput{"base 64\nblock A {\n field x 64\n}\ntagged_union U t {\n tag A 1\n}",
                 "t.pbf:6: block 'A' has no tag field 't'"},
        BadInput{"base 64\nblock A {\n padding 62\n field t 2\n}\ntagged_union U t {\n tag A 4\n}",
                 "t.pbf:7: tag value 4 does not fit in 2 bits"},
        BadInput{"base 64\nblock A {\n padding 62\n field t 2\n}\nblock B {\n padding 62\n field t 2\n}\n"
                 "tagged_union U t {\n tag A 1\n tag B 1\n}",
                 "t.pbf:12: tag 'B' has the same value (1) as 'A'"},
        BadInput{"base 64\nblock A {\n padding 62\n field t 2\n}\nblock B {\n padding 60\n field t 2\n padding 2\n}\n"
                 "tagged_union U t {\n tag A 1\n tag B 2\n}",
                 "t.pbf:13: tag field of block 'B' is not where the other variants of 'U' have it"},
        BadInput{"base 64\nblock A {\n padding 62\n field t 2\n}\nblock B {\n padding 126\n field t 2\n}\n"
                 "tagged_union U t {\n tag A 1\n tag B 2\n}",
                 "t.pbf:12: block 'B' has 128 bits, other variants of 'U' have 64"},
        BadInput{"base 64\ntagged_union U t {\n mask 4 0xe\n}", "t.pbf:3: 'mask' (variable-width tags) is not supported"},
        BadInput{"base 64\ntagged_union U t (a, b) {\n}", "t.pbf:2: sliced tags ('(...)' after the tag field) are not supported"}));

// Random edits of a real file either still parse or fail with this file's name and a line:
// never a crash, a hang or another kind of exception.
TEST(PbfFuzz, MutationsParseOrReportALine) {
    std::string path = "/opt/sel4/x86_64/libsel4/include/sel4/sel4_arch/types.pbf";
    if (!std::filesystem::exists(path))
        path = fixture_include + "sel4/shared_types.pbf";
    const std::string original = read_text_file(path);
    const std::string alphabet = "abz_019 \n\t{}(),-#x+@\xff";
    std::mt19937 rng(20260101);
    int parsed = 0, rejected = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string text = original;
        int edits = 1 + static_cast<int>(rng() % 4);
        for (int e = 0; e < edits && !text.empty(); ++e) {
            std::size_t at = rng() % text.size();
            switch (rng() % 4) {
            case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
            case 1: text.erase(at, 1 + rng() % 8); break;
            case 2: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
            default: text.insert(at, text.substr(rng() % text.size(), rng() % 20)); break;
            }
        }
        try {
            pbf::parse(text, "mutant.pbf");
            ++parsed;
        } catch (const InputError &error) {
            ++rejected;
            ASSERT_EQ(std::string(error.what()).rfind("mutant.pbf:", 0), 0u) << error.what();
        }
    }
    EXPECT_GT(rejected, 0);
    RecordProperty("parsed", parsed);
}
