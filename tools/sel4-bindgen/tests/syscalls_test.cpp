// syscall.xml: numbering, conditions, API choice, and file:line errors.
#include "diagnostics.hpp"
#include "syscalls.hpp"

#include <gtest/gtest.h>

using namespace sel4_bindgen;

namespace {

const std::string include = std::string(BINDGEN_TEST_DATA) + "/prefix/libsel4/include/";

config::Config fixture_config() {
    config::Config config;
    config.load(include + "kernel/gen_config.json");
    config.load(include + "sel4/gen_config.json");
    return config;
}

std::string error_of(const std::string &xml) {
    config::Config config;
    config.parse("{\"PRINTING\": true}", "c.json");
    try {
        syscalls::parse(xml, "s.xml", config);
    } catch (const InputError &error) {
        return error.what();
    }
    return "(no error)";
}

} // namespace

TEST(Syscalls, NumbersCountEverySyscallConditionsSelect) {
    syscalls::Syscalls result = syscalls::load(include + "api/syscall.xml", fixture_config());
    EXPECT_EQ(result.api, "api-master");
    std::vector<std::tuple<std::string, long, bool>> got;
    for (const auto &syscall : result.list)
        got.emplace_back(syscall.name, syscall.number, syscall.included);
    std::vector<std::tuple<std::string, long, bool>> expected = {
        {"Call", -1, true},   {"Send", -2, true},   {"DebugPutChar", -3, true}, {"Quiet", -4, false},
        {"Either", -5, true}, {"Both", -6, false},  {"Always", -7, true}};
    EXPECT_EQ(got, expected);
    EXPECT_EQ(result.list[3].condition, "!defined(CONFIG_PRINTING)");
    EXPECT_EQ(result.list[4].condition, "(defined(CONFIG_NOT_IN_THE_CONFIG) || defined(CONFIG_LIB_THING))");
}

TEST(Syscalls, McsChoosesTheMcsApi) {
    config::Config config;
    config.parse("{\"KERNEL_MCS\": true}", "c.json");
    syscalls::Syscalls result = syscalls::load(include + "api/syscall.xml", config);
    EXPECT_EQ(result.api, "api-mcs");
    ASSERT_GE(result.list.size(), 4u);
    EXPECT_EQ(result.list[1].name, "Wait");
    EXPECT_EQ(result.list[3].name, "DebugPutChar");
    EXPECT_EQ(result.list[3].number, -4);
}

TEST(Syscalls, ErrorsNameFileAndLine) {
    EXPECT_EQ(error_of("<syscalls>\n<api-master>\n</syscalls>"), "s.xml:2: malformed XML: XML_ERROR_MISMATCHED_ELEMENT");
    EXPECT_EQ(error_of("<other/>"), "s.xml:1: expected the root element <syscalls>");
    EXPECT_EQ(error_of("<syscalls>\n<api-mcs><config/></api-mcs>\n</syscalls>"),
              "s.xml:1: no <api-master> element (chosen by KERNEL_MCS)");
    EXPECT_EQ(error_of("<syscalls>\n<api-master><config>\n<syscall/>\n</config></api-master>\n</syscalls>"),
              "s.xml:3: <syscall> without a name");
    EXPECT_EQ(error_of("<syscalls>\n<api-master><config>\n<syscall name=\"A\"/>\n<syscall name=\"A\"/>\n"
                       "</config></api-master>\n</syscalls>"),
              "s.xml:4: syscall 'A' appears twice");
    EXPECT_EQ(error_of("<syscalls>\n<api-master><config><syscall name=\"A\"/></config></api-master>\n<debug><config>\n"
                       "<condition><xor/></condition>\n<syscall name=\"B\"/></config></debug>\n</syscalls>"),
              "s.xml:4: unknown element <xor> in a condition");
    EXPECT_EQ(error_of("<syscalls>\n<api-master><config><syscall name=\"A\"/></config></api-master>\n<debug><config>\n"
                       "<condition><not>\n<config var=\"CONFIG_A\"/><config var=\"CONFIG_B\"/></not></condition>\n"
                       "<syscall name=\"B\"/></config></debug>\n</syscalls>"),
              "s.xml:4: <not> needs exactly one operand");
    EXPECT_EQ(error_of("<syscalls>\n<api-master><config><syscall name=\"A\"/></config></api-master>\n<debug><config>\n"
                       "<condition><config var=\"PRINTING\"/></condition>\n<syscall name=\"B\"/></config></debug>\n"
                       "</syscalls>"),
              "s.xml:4: <config> needs var=\"CONFIG_...\"");
    EXPECT_EQ(error_of("<syscalls>\n<api-master><config><syscall name=\"A\"/></config></api-master>\n<extra/>\n</syscalls>"),
              "s.xml:3: unknown element <extra> in <syscalls>");
    EXPECT_EQ(error_of("<syscalls>\n<api-master><config><syscall name=\"A b\"/></config></api-master>\n</syscalls>"),
              "s.xml:2: syscall name 'A b' is not an identifier");
}
