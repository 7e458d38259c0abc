// One test per file in tests/sdf: each .system file names its target and the exact outcome in
// its first comment, "<!-- target: T | expect: LINE:COL: MESSAGE -->" (\n in MESSAGE is a line
// break), or "expect: ok" for a system that must parse.
#include "sdf_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sel4::microkit::sdf {
namespace {

struct Case {
    std::string name; // file name without .system
    std::string text;
    std::string target;
    std::string expect; // "" when the system must parse
};

std::vector<Case> cases() {
    std::vector<Case> all;
    for (const auto &entry : std::filesystem::directory_iterator(test::folder)) {
        if (entry.path().extension() != ".system")
            continue;
        Case c;
        c.name = entry.path().stem().string();
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        c.text = text.str();
        const auto head = c.text.find("<!-- target: ");
        const auto bar = c.text.find(" | expect: ", head);
        const auto end = c.text.find(" -->", bar);
        if (head == std::string::npos || bar == std::string::npos || end == std::string::npos)
            throw std::runtime_error(entry.path().string() + ": no '<!-- target: T | expect: E -->'");
        c.target = c.text.substr(head + 13, bar - head - 13);
        std::string expect = c.text.substr(bar + 11, end - bar - 11);
        if (expect != "ok") {
            for (std::size_t at; (at = expect.find("\\n")) != std::string::npos;)
                expect.replace(at, 2, "\n");
            const auto second_colon = expect.find(':', expect.find(':') + 1);
            c.expect = c.name + ".system:" + expect.substr(0, second_colon) + ": error:" +
                       expect.substr(second_colon + 1);
        }
        all.push_back(std::move(c));
    }
    std::sort(all.begin(), all.end(), [](const Case &a, const Case &b) { return a.name < b.name; });
    return all;
}

void PrintTo(const Case &c, std::ostream *os) { *os << c.name << ".system"; }

class SdfFile : public testing::TestWithParam<Case> {};

TEST_P(SdfFile, GivesItsExpectedOutcome) {
    const Case &c = GetParam();
    const Target target = test::target(c.target);
    if (c.expect.empty()) {
        EXPECT_NO_THROW(parse(c.text, c.name + ".system", target, {test::folder}));
        return;
    }
    try {
        parse(c.text, c.name + ".system", target, {test::folder});
        ADD_FAILURE() << "parsed, expected: " << c.expect;
    } catch (const Error &e) {
        EXPECT_EQ(e.what(), c.expect);
    }
}

INSTANTIATE_TEST_SUITE_P(Rules, SdfFile, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case> &info) { return info.param.name; });

TEST(SdfFiles, AreThere) { EXPECT_GE(cases().size(), 200u); }

} // namespace
} // namespace sel4::microkit::sdf
