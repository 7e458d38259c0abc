// 20,000 mutations of the test systems fed to parse(): each parses or throws sdf::Error with a
// "file:line:col: error: " message, never another exception, never a crash. The seed is fixed,
// so a failure names a case that can be replayed (the mutated text is printed).
#include "sdf_test_support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace sel4::microkit::sdf {
namespace {

constexpr int mutations = 20000;

std::vector<std::string> seeds() {
    std::vector<std::string> all;
    for (const auto *dir : {MICROKIT_SDF_TEST_DIR "/sdf", MICROKIT_SDF_TEST_DIR "/model"})
        for (const auto &entry : std::filesystem::directory_iterator(dir))
            if (entry.path().extension() == ".system") {
                std::ifstream in(entry.path());
                std::stringstream text;
                text << in.rdbuf();
                all.push_back(text.str());
            }
    std::sort(all.begin(), all.end()); // the directory's order is not fixed
    return all;
}

std::vector<std::string> lines_of(const std::string &text) {
    std::vector<std::string> lines;
    std::stringstream in(text);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

std::string joined(const std::vector<std::string> &lines) {
    std::string text;
    for (const auto &l : lines)
        text += l + "\n";
    return text;
}

class Mutator {
public:
    explicit Mutator(std::uint64_t seed) : rng_(seed) {}

    std::string mutate(std::string text, const std::vector<std::string> &others) {
        const int steps = 1 + pick(3);
        for (int i = 0; i < steps && !text.empty(); ++i) {
            switch (pick(8)) {
            case 0: { // flip bits of a byte
                text[pick(text.size())] ^= static_cast<char>(1 << pick(8));
                break;
            }
            case 1: // truncate
                text.resize(pick(text.size()));
                break;
            case 2: { // duplicate a line
                auto lines = lines_of(text);
                if (lines.empty())
                    break;
                const std::size_t at = pick(lines.size());
                lines.insert(lines.begin() + static_cast<long>(at), lines[at]);
                text = joined(lines);
                break;
            }
            case 3: { // remove a line
                auto lines = lines_of(text);
                if (lines.empty())
                    break;
                lines.erase(lines.begin() + static_cast<long>(pick(lines.size())));
                text = joined(lines);
                break;
            }
            case 4: // an attribute value from another system
                splice_value(text, random_value(others[pick(others.size())]));
                break;
            case 5: { // a number that is huge, negative, empty or odd
                static const char *const numbers[] = {
                    "18446744073709551615", "18446744073709551616", "0xffff_ffff_ffff_ffff",
                    "0x1_0000_0000_0000_0000", "-1", "-0", "0x", "", "_", "+", "99999999999999999999999",
                    "0x8000000000000000", "4294967296", "0xFFFFFFFFFFFFF000", "62", "255", "0x200000"};
                splice_value(text, numbers[pick(std::size(numbers))]);
                break;
            }
            case 6: { // a line from another system
                auto lines = lines_of(text);
                const auto donor = lines_of(others[pick(others.size())]);
                if (donor.empty())
                    break;
                lines.insert(lines.begin() + static_cast<long>(pick(lines.size() + 1)),
                             donor[pick(donor.size())]);
                text = joined(lines);
                break;
            }
            default: { // a random byte somewhere
                text.insert(text.begin() + static_cast<long>(pick(text.size() + 1)),
                            static_cast<char>(pick(256)));
                break;
            }
            }
        }
        return text;
    }

private:
    std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

    // The spans of the quoted attribute values in `text`.
    static std::vector<std::pair<std::size_t, std::size_t>> values(const std::string &text) {
        std::vector<std::pair<std::size_t, std::size_t>> spans;
        for (std::size_t at = text.find("=\""); at != std::string::npos; at = text.find("=\"", at + 2)) {
            const auto end = text.find('"', at + 2);
            if (end == std::string::npos)
                break;
            spans.emplace_back(at + 2, end);
        }
        return spans;
    }
    std::string random_value(const std::string &text) {
        const auto spans = values(text);
        if (spans.empty())
            return "x";
        const auto [begin, end] = spans[pick(spans.size())];
        return text.substr(begin, end - begin);
    }
    void splice_value(std::string &text, const std::string &value) {
        const auto spans = values(text);
        if (spans.empty())
            return;
        const auto [begin, end] = spans[pick(spans.size())];
        text.replace(begin, end - begin, value);
    }

    std::mt19937_64 rng_;
};

TEST(Fuzz, MutatedSystemsParseOrGiveAnError) {
    const auto base = seeds();
    ASSERT_GE(base.size(), 100u);
    static const char *const targets[] = {"aarch64", "aarch64-el1", "aarch64-smp", "riscv64",
                                          "x86_64", "x86_64-novtx"};
    Mutator mutator(0x5d'f5eed);
    int parsed = 0, errors = 0;
    for (int i = 0; i < mutations; ++i) {
        const std::string &seed = base[static_cast<std::size_t>(i) % base.size()];
        const std::string text = mutator.mutate(seed, base);
        const Target target = test::target(targets[i % std::size(targets)]);
        try {
            const auto sd = parse(text, "fuzz.system", target, {test::folder});
            EXPECT_FALSE(sd.pds.empty());
            ++parsed;
        } catch (const Error &e) {
            const std::string what = e.what();
            ASSERT_TRUE(what.starts_with("fuzz.system:") && what.find(": error: ") != std::string::npos)
                << "case " << i << ": " << what << "\n" << text;
            ++errors;
        } catch (const std::exception &e) {
            FAIL() << "case " << i << " threw " << e.what() << "\n" << text;
        } catch (...) {
            FAIL() << "case " << i << " threw something else\n" << text;
        }
    }
    EXPECT_EQ(parsed + errors, mutations);
    // Both outcomes occur, so the mutations neither always break nor never touch the rules.
    EXPECT_GT(parsed, 100);
    EXPECT_GT(errors, 10000);
    std::printf("fuzz: %d parsed, %d errors\n", parsed, errors);
}

} // namespace
} // namespace sel4::microkit::sdf
