// gettext, the auxiliary vector, __libc_single_threaded, errno, the environment, entropy and
// assert against glibc's.
#include <gtest/gtest.h>

#include <sel4/runtime/libc.hpp>

#include <sel4/runtime/abort.hpp>

#undef NDEBUG // for glibc's __assert_fail, to compare messages
#include <assert.h>
#include <libintl.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "../src/c_library.hpp"

// The runtime's fatal() ends a thread on seL4; here it says why on stderr and aborts, for the
// death tests.
[[noreturn]] void sel4_runtime::fatal(std::string_view reason, std::string_view detail) noexcept {
    std::fprintf(stderr, "fatal: %.*s%.*s\n", static_cast<int>(reason.size()), reason.data(),
                 static_cast<int>(detail.size()), detail.data());
    std::abort();
}

namespace {

TEST(OsSurface, GettextReturnsTheMessageItself) {
    const char *message = "basic_string::_M_create";
    EXPECT_EQ(cpp_sel4_gettext(message), message);
    EXPECT_EQ(cpp_sel4_dgettext("libstdc++", message), message);
    EXPECT_EQ(cpp_sel4_dcgettext("libstdc++", message, 5), message);
}

TEST(OsSurface, AuxiliaryVectorIsEmpty) {
    EXPECT_EQ(cpp_sel4_getauxval(AT_HWCAP), 0u);
    EXPECT_EQ(cpp_sel4___getauxval(AT_HWCAP2), 0u);
}

TEST(OsSurface, SingleThreadedUntilTheRuntimeSaysOtherwise) {
    EXPECT_EQ(cpp_sel4___libc_single_threaded, 1);
    sel4_runtime::set_multi_threaded();
    EXPECT_EQ(cpp_sel4___libc_single_threaded, 0);
}

TEST(OsSurface, ErrnoIsPerThread) {
    *cpp_sel4___errno_location() = 5;
    int other = -1;
    std::thread([&other] {
        other = *cpp_sel4___errno_location();
        *cpp_sel4___errno_location() = 7;
    }).join();
    EXPECT_EQ(other, 0);
    EXPECT_EQ(*cpp_sel4___errno_location(), 5);
}

TEST(OsSurface, TextDomainBindingsAnswerLikeGlibc) {
    EXPECT_STREQ(cpp_sel4_bindtextdomain("cpp-sel4-test", "/some/where"), bindtextdomain("cpp-sel4-test", "/some/where"));
    EXPECT_STREQ(cpp_sel4_bindtextdomain("cpp-sel4-none", nullptr), bindtextdomain("cpp-sel4-none", nullptr));
    EXPECT_STREQ(cpp_sel4_bind_textdomain_codeset("cpp-sel4-test", "UTF-8"),
                 bind_textdomain_codeset("cpp-sel4-test", "UTF-8"));
    EXPECT_EQ(cpp_sel4_bind_textdomain_codeset("cpp-sel4-none", nullptr),
              bind_textdomain_codeset("cpp-sel4-none", nullptr));
}

TEST(OsSurface, NoEnvironment) {
    EXPECT_NE(std::getenv("PATH"), nullptr); // glibc's has it; ours has nothing
    EXPECT_EQ(cpp_sel4_getenv("PATH"), nullptr);
    EXPECT_EQ(cpp_sel4_getenv(""), nullptr);
}

TEST(OsSurface, NoEntropy) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    char buffer[16];
    *cpp_sel4___errno_location() = 0;
    EXPECT_EQ(cpp_sel4_getentropy(buffer, sizeof buffer), -1);
    EXPECT_EQ(*cpp_sel4___errno_location(), ENOSYS);
    EXPECT_DEATH(cpp_sel4_arc4random(), "fatal: arc4random\\(\\) called, but the program has no entropy source");
}

TEST(OsSurface, AssertFailureSaysWhatGlibcSays) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
    // glibc's message, "<program>: <file>:<line>: <function>: Assertion `<expression>' failed.",
    // less the program name.
    EXPECT_DEATH(__assert_fail("x == 1", "main.cpp", 12, "int main()"), "main.cpp:12: int main\\(\\): Assertion `x == 1' failed\\.");
    EXPECT_DEATH(cpp_sel4___assert_fail("x == 1", "main.cpp", 12, "int main()"),
                 "fatal: main.cpp:12: int main\\(\\): Assertion `x == 1' failed\\.\n");
    EXPECT_DEATH(cpp_sel4___assert_fail("ok", "f.c", 3, nullptr), "fatal: f.c:3: Assertion `ok' failed\\.\n");
    const std::string long_name(1000, 'x');
    EXPECT_DEATH(cpp_sel4___assert_fail(long_name.c_str(), "f.c", 3, nullptr), "fatal: f.c:3: Assertion `x+\n");
}

} // namespace
