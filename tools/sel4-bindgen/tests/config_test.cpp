// gen_config.json: values, the CONFIG_X-is-defined rule, and file:line errors.
#include "config.hpp"
#include "diagnostics.hpp"

#include <gtest/gtest.h>

using sel4_bindgen::InputError;
using sel4_bindgen::config::Config;

namespace {

std::string error_of(const std::string &text) {
    try {
        Config config;
        config.parse(text, "c.json");
    } catch (const InputError &error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST(Config, DefinedMeansTrueOrAnyString) {
    Config config;
    config.parse("{\n  \"ON\": true,\n  \"OFF\": false,\n  \"ZERO\": \"0\",\n  \"N\": 12\n}\n", "c.json");
    EXPECT_TRUE(config.is_defined("ON"));
    EXPECT_FALSE(config.is_defined("OFF"));
    EXPECT_TRUE(config.is_defined("ZERO")); // gen_config.h: #define CONFIG_ZERO 0
    EXPECT_TRUE(config.is_defined("N"));
    EXPECT_FALSE(config.is_defined("ABSENT"));
}

TEST(Config, StringEscapesAndEmptyObject) {
    Config config;
    config.parse("{\"A\\\"B\": \"x\\n\"}", "c.json");
    EXPECT_TRUE(config.is_defined("A\"B"));
    Config empty;
    empty.parse(" {} ", "c.json");
    EXPECT_FALSE(empty.is_defined("A"));
}

TEST(Config, KernelAndLibsel4FilesMerge) {
    Config config;
    config.load(std::string(BINDGEN_TEST_DATA) + "/prefix/libsel4/include/kernel/gen_config.json");
    config.load(std::string(BINDGEN_TEST_DATA) + "/prefix/libsel4/include/sel4/gen_config.json");
    EXPECT_TRUE(config.is_defined("PRINTING"));
    EXPECT_TRUE(config.is_defined("LIB_THING"));
    EXPECT_FALSE(config.is_defined("KERNEL_MCS"));
    EXPECT_THROW(config.load(std::string(BINDGEN_TEST_DATA) + "/prefix/libsel4/include/sel4/gen_config.json"),
                 InputError);
}

TEST(Config, ErrorsNameFileAndLine) {
    EXPECT_EQ(error_of("{\n \"A\" true\n}"), "c.json:2: expected ':'");
    EXPECT_EQ(error_of("{\n \"A\": true,\n \"B\": {}\n}"), "c.json:3: value of 'B' must be a boolean, a string or a number");
    EXPECT_EQ(error_of("{\n \"A\": true\n}\nx"), "c.json:4: unexpected text after the closing '}'");
    EXPECT_EQ(error_of("{\n \"A\": true,\n \"A\": false\n}"), "c.json:3: key 'A' is already defined at c.json:2");
    EXPECT_EQ(error_of("{\n \"A\": \"open\n}"), "c.json:2: unterminated string");
    EXPECT_EQ(error_of("{\n \"A\": true"), "c.json:2: expected ',' or '}' before the end of the file");
    EXPECT_EQ(error_of("[]"), "c.json:1: expected '{'");
    EXPECT_EQ(error_of("{\n 12: true}"), "c.json:2: expected a string key");
}

TEST(Config, MissingFileIsNamed) {
    Config config;
    try {
        config.load("/nonexistent/gen_config.json");
        FAIL();
    } catch (const InputError &error) {
        EXPECT_EQ(std::string(error.what()).rfind("/nonexistent/gen_config.json: cannot open", 0), 0u) << error.what();
    }
}
