// OutputSet: all files or none.
#include "output.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string &name) {
    fs::path dir = fs::path(::testing::TempDir()) / ("output-" + std::to_string(::getpid()) + "-" + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::string contents(const fs::path &path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST(OutputSet, WritesEveryFileCreatingDirectories) {
    fs::path dir = fresh_dir("ok");
    sel4_bindgen::OutputSet outputs;
    outputs.add(dir / "a/b/one.hpp", "one");
    outputs.add(dir / "two.hpp", "two");
    outputs.commit();
    EXPECT_EQ(contents(dir / "a/b/one.hpp"), "one");
    EXPECT_EQ(contents(dir / "two.hpp"), "two");
    fs::remove_all(dir);
}

TEST(OutputSet, AFailedWriteChangesNothing) {
    fs::path dir = fresh_dir("fail");
    std::ofstream(dir / "existing.hpp") << "old";
    std::ofstream(dir / "blocker") << "a file where a directory is needed";
    sel4_bindgen::OutputSet outputs;
    outputs.add(dir / "existing.hpp", "new");
    outputs.add(dir / "blocker/inside.hpp", "x");
    EXPECT_THROW(outputs.commit(), std::runtime_error);
    EXPECT_EQ(contents(dir / "existing.hpp"), "old");
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto &entry : fs::directory_iterator(dir))
        ++entries;
    EXPECT_EQ(entries, 2u) << "a temporary file was left behind";
    fs::remove_all(dir);
}
