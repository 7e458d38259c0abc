// The C header reader: preprocessor (conditionals, macros, includes) and declarations
// (enums, typedefs, structs), with file:line errors.
#include "c_declarations.hpp"
#include "c_preprocessor.hpp"
#include "diagnostics.hpp"

#include <gtest/gtest.h>

using namespace sel4_bindgen;
using namespace sel4_bindgen::c;

namespace {

const DataModel lp64{64};

FileSource memory(std::map<std::string, std::string> files) {
    return [files = std::move(files)](const std::string &relative) -> std::optional<SourceFile> {
        auto it = files.find(relative);
        if (it == files.end())
            return std::nullopt;
        return SourceFile{relative, it->second};
    };
}

// The text a.h preprocesses to (with the other files includable), tokens separated by spaces.
std::string preprocessed(const std::string &text, std::map<std::string, std::string> others = {},
                         std::map<std::string, std::string> predefined = {}) {
    others["a.h"] = text;
    Preprocessor preprocessor(memory(std::move(others)), lp64);
    for (const auto &[name, body] : predefined)
        preprocessor.predefine(name, body, "config");
    std::string out;
    for (const Token &token : preprocessor.read("a.h"))
        out += (out.empty() ? "" : " ") + token.text;
    return out;
}

std::string preprocess_error(const std::string &text, std::map<std::string, std::string> others = {}) {
    try {
        preprocessed(text, std::move(others));
    } catch (const InputError &error) {
        return error.what();
    }
    return "(no error)";
}

DeclarationReader declarations(const std::string &text) {
    Preprocessor preprocessor(memory({{"a.h", text}}), lp64);
    DeclarationReader reader(lp64);
    reader.read(preprocessor.read("a.h"));
    return reader;
}

std::string declaration_error(const std::string &text) {
    try {
        declarations(text);
    } catch (const InputError &error) {
        return error.what();
    }
    return "(no error)";
}

std::vector<std::pair<std::string, long long>> values(const Enum &definition) {
    std::vector<std::pair<std::string, long long>> out;
    for (const Enumerator &e : definition.enumerators)
        out.emplace_back(e.name, static_cast<long long>(e.value.bits));
    return out;
}

} // namespace

TEST(CPreprocessor, ConditionalsNestedWithElifAndDefined) {
    const std::string text = "#define A 2\n"
                             "#if A == 1\none\n#elif A == 2\n"
                             "#  ifdef B\nb\n#  elif defined(A) && !defined B\nnested\n#  else\nnot\n#  endif\n"
                             "#else\nother\n#endif\n"
                             "#ifndef B\nnob\n#endif\n";
    EXPECT_EQ(preprocessed(text), "nested nob");
}

TEST(CPreprocessor, ConditionalsOnConfigValues) {
    const std::string text = "#if CONFIG_WORD_SIZE == 64 && CONFIG_NUM_PRIORITIES - 1 >= 255\nyes\n#endif\n"
                             "#if CONFIG_MISSING\nno\n#elif CONFIG_WORD_SIZE * 2 == 128 || 1 / 0\nshort\n#endif\n";
    EXPECT_EQ(preprocessed(text, {}, {{"CONFIG_WORD_SIZE", "64"}, {"CONFIG_NUM_PRIORITIES", "256"}}), "yes short");
}

TEST(CPreprocessor, IfArithmeticIsInIntmax) {
    // In #if, -1 is intmax_t and 0u uintmax_t: -1 converts to the largest value.
    EXPECT_EQ(preprocessed("#if -1 > 0u\nwide\n#endif\n#if (1 << 40) > 0\nbig\n#endif\n"), "wide big");
}

TEST(CPreprocessor, SkippedRegionsMayHoldAnything) {
    EXPECT_EQ(preprocessed("#if 0\n#error no\n#frobnicate\n#if x(\n#endif\nenum { ; }\n#endif\nkept\n"), "kept");
}

TEST(CPreprocessor, ObjectAndFunctionLikeMacros) {
    const std::string text = "#define BIT(n) (1ul << (n))\n#define TWO 2\n#define MASK (BIT(TWO) - 1)\n"
                             "#define CAT(a, b) a ## b\n#define STR(x) #x\n#define SELF SELF + 1\n"
                             "MASK CAT(seL4_, TWO) STR(a \"b\") SELF CAT(, x) BIT\n";
    EXPECT_EQ(preprocessed(text), "( ( 1ul << ( 2 ) ) - 1 ) seL4_TWO \"a \\\"b\\\"\" SELF + 1 x BIT");
}

TEST(CPreprocessor, MacroCallsSpanLinesAndConditionals) {
    EXPECT_EQ(preprocessed("#define F(a, b) a + b\nF(1,\n#ifdef X\n9\n#else\n2\n#endif\n)\n"), "1 + 2");
}

TEST(CPreprocessor, ArgumentsAreExpandedBeforeSubstitutionButNotForPasting) {
    EXPECT_EQ(preprocessed("#define N 5\n#define ID(x) x\n#define GLUE(x) x ## 1\nID(N) GLUE(N)\n"), "5 N1");
}

TEST(CPreprocessor, IdenticalRedefinitionIsAllowed) {
    EXPECT_EQ(preprocessed("#define A (1 + 2)\n#define A (1 + 2)\nA\n#undef A\nA\n"), "( 1 + 2 ) A");
    EXPECT_EQ(preprocess_error("#define A 1\n#define A 2\n"), "a.h:2: macro A redefined differently (first defined at a.h:1)");
}

TEST(CPreprocessor, IncludesOnceAndBesideTheIncluder) {
    std::map<std::string, std::string> files = {
        {"sel4/b.h", "#pragma once\n#include \"c.h\"\nb\n"}, {"sel4/c.h", "c\n"}, {"c.h", "wrong\n"}};
    EXPECT_EQ(preprocessed("#include <sel4/b.h>\n#include <sel4/b.h>\na\n", files), "c b a");
}

TEST(CPreprocessor, ErrorsNameFileAndLine) {
    EXPECT_EQ(preprocess_error("\n#include <missing.h>\n"), "a.h:2: #include <missing.h>: no such file in the include directory");
    EXPECT_EQ(preprocess_error("x\n#if 1\n#error \"no\" way\n#endif\n"), "a.h:3: #error \"no\" way");
    EXPECT_EQ(preprocess_error("#if 1\n"), "a.h:1: #if without #endif");
    EXPECT_EQ(preprocess_error("#endif\n"), "a.h:1: #endif without #if");
    EXPECT_EQ(preprocess_error("#if 1\n#else\n#elif 1\n#endif\n"), "a.h:3: #elif after #else");
    EXPECT_EQ(preprocess_error("#if 1 +\n#endif\n"), "a.h:1: #if 1 +: expression ends early");
    EXPECT_EQ(preprocess_error("#if 1 / 0\n#endif\n"), "a.h:1: #if 1 / 0: division by zero");
    EXPECT_EQ(preprocess_error("#define F(a) a\n\nF(1, 2)\n"), "a.h:3: macro F takes 1 arguments, given 2");
    EXPECT_EQ(preprocess_error("#define F(...) 1\n"), "a.h:1: variadic macros are not supported");
    EXPECT_EQ(preprocess_error("#define F(a) #b\n"), "a.h:1: '#' is not followed by a parameter of macro F");
    EXPECT_EQ(preprocess_error("#line 3\n"), "a.h:1: unsupported directive #line");
    EXPECT_EQ(preprocess_error("/* open\n"), "a.h:1: unterminated comment");
    EXPECT_EQ(preprocess_error("#include <b.h>\n", {{"b.h", "\n\"abc\n"}}), "b.h:2: unterminated string literal");
}

TEST(CPreprocessor, SplicedLinesKeepTheirLineNumbers) {
    EXPECT_EQ(preprocess_error("#define A \\\n  1\n#if A\n#error here\n#endif\n"), "a.h:4: #error here");
}

TEST(CDeclarations, EnumsWithImplicitValuesReferencesAndExpressions) {
    DeclarationReader reader = declarations("#define BIT(n) (1ul << (n))\n"
                                            "typedef enum { a_0, a_1, a_5 = 5, a_6, a_alias = a_1, a_7 = a_6 + 1 } A;\n"
                                            "enum tagged { b_first = a_7 * 2, b_bit = BIT(3) | 1, b_neg = -2, b_next, };\n"
                                            "enum { c_pad = ((1ULL << 63) - 1), c_size = sizeof(unsigned long) };\n");
    ASSERT_EQ(reader.enums().size(), 3u);
    EXPECT_EQ(reader.enums()[0].name, "A");
    EXPECT_EQ(reader.enums()[1].name, "tagged");
    EXPECT_EQ(reader.enums()[2].name, "");
    EXPECT_EQ(reader.enums()[1].line, 3);
    using Values = std::vector<std::pair<std::string, long long>>;
    EXPECT_EQ(values(reader.enums()[0]), (Values{{"a_0", 0}, {"a_1", 1}, {"a_5", 5}, {"a_6", 6}, {"a_alias", 1}, {"a_7", 7}}));
    EXPECT_EQ(values(reader.enums()[1]), (Values{{"b_first", 14}, {"b_bit", 9}, {"b_neg", -2}, {"b_next", -1}}));
    // Values that fit an int are ints; others keep their type.
    EXPECT_EQ(reader.enums()[1].enumerators[1].value.type, DataModel::int_type());
    EXPECT_EQ(reader.enums()[2].enumerators[0].value, (Value{{64, false, 5}, 0x7fffffffffffffff}));
    EXPECT_EQ(reader.enums()[2].enumerators[1].value.bits, 8u);
}

TEST(CDeclarations, IntegerTypedefsServeCastsAndSizeof) {
    DeclarationReader reader = declarations("typedef unsigned char u8;\ntypedef unsigned long long u64;\n"
                                            "typedef u64 word;\ntypedef struct s s_t;\ntypedef void (*fn)(word);\n"
                                            "enum { e_size = sizeof(word), e_cast = (u8)0x1ff, e_ptr = sizeof(u8) };\n");
    EXPECT_EQ(values(reader.enums()[0]),
              (std::vector<std::pair<std::string, long long>>{{"e_size", 8}, {"e_cast", 255}, {"e_ptr", 1}}));
}

TEST(CDeclarations, SkipsFunctionsAndOtherDeclarations) {
    DeclarationReader reader = declarations(
        "static inline int f(int x) { enum { hidden = 1 }; return x; }\n"
        "struct point { int x; int y; };\nint table[3] = { 1, 2, 3 };\n"
        "typedef struct tag_ { W a, b; W c; } __attribute__((packed)) named;\n"
        "_Static_assert(sizeof(int) == 4, \"int\");\nenum after { after_0 };\n");
    ASSERT_EQ(reader.enums().size(), 1u);
    EXPECT_EQ(reader.enums()[0].name, "after");
    ASSERT_EQ(reader.structs().size(), 1u);
    EXPECT_EQ(reader.structs()[0].name, "named");
    EXPECT_EQ(word_fields(reader.structs()[0], "W"), std::vector<std::string>({"a", "b", "c"}));
}

TEST(CDeclarations, StructFieldsOfOneType) {
    DeclarationReader reader = declarations("#ifdef X\n#define MORE w,\n#else\n#define MORE\n#endif\n"
                                            "typedef struct c_ { W pc, sp; W MORE x0;\n W x1; } context;\n"
                                            "typedef struct d_ { W a; int b; } bad;\n");
    EXPECT_EQ(word_fields(reader.structs()[0], "W"), std::vector<std::string>({"pc", "sp", "x0", "x1"}));
    try {
        word_fields(reader.structs()[1], "W");
        FAIL() << "no error";
    } catch (const InputError &error) {
        EXPECT_STREQ(error.what(), "a.h:8: struct bad: only members declared 'W a, b, ...;' are supported");
    }
}

TEST(CDeclarations, ErrorsNameFileAndLine) {
    EXPECT_EQ(declaration_error("enum {\n a = unknown,\n};\n"), "a.h:2: value of enumerator a: 'unknown' is not an integer constant");
    EXPECT_EQ(declaration_error("enum { a = 1,\n a };\n"), "a.h:2: enumerator a is already defined at a.h:1");
    EXPECT_EQ(declaration_error("enum { a = 1 << 31 };\n"), "a.h:1: value of enumerator a: signed overflow in '<<'");
    EXPECT_EQ(declaration_error("enum { a = 0xffffffffffffffff, b };\n"),
              "a.h:1: enumerator b is one past the greatest value of its type");
    EXPECT_EQ(declaration_error("enum { 3 };\n"), "a.h:1: expected an enumerator name, not '3'");
    EXPECT_EQ(declaration_error("enum { a b };\n"), "a.h:1: expected ',' or '}' after enumerator a, not 'b'");
    EXPECT_EQ(declaration_error("int f(void) {\n  return (1];\n}\n"), "a.h:2: ']' does not close the '(' of line 2");
    EXPECT_EQ(declaration_error("int x\n"), "a.h:1: declaration not terminated by ';'");
    EXPECT_EQ(declaration_error("}\n"), "a.h:1: '}' closes nothing");
}
