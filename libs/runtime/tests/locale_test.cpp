// The C locale layer against glibc's C locale: locale objects (their ctype tables), the names
// accepted, the errors, uselocale per thread, setlocale, every nl_langinfo item, iconv.
#include <gtest/gtest.h>

#include <iconv.h>
#include <langinfo.h>
#include <locale.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <cwchar>
#include <string>
#include <thread>

#include "../src/c_library.hpp"

namespace {

int &our_errno() { return *cpp_sel4___errno_location(); }

TEST(Locale, CLocaleHasGlibcsTables) {
    const locale_t glibc = newlocale(LC_ALL_MASK, "C", nullptr);
    ASSERT_NE(glibc, nullptr);
    for (const char *name : {"C", "POSIX", ""}) {
        for (int mask : {1 << LC_ALL, LC_ALL_MASK, LC_CTYPE_MASK, LC_NUMERIC_MASK | LC_TIME_MASK, 0}) {
            const locale_t ours = cpp_sel4_newlocale(mask, name, nullptr);
            ASSERT_NE(ours, nullptr) << name << " " << mask;
            for (int c = -128; c < 256; ++c) {
                EXPECT_EQ(ours->__ctype_b[c], glibc->__ctype_b[c]) << c;
                EXPECT_EQ(ours->__ctype_tolower[c], glibc->__ctype_tolower[c]) << c;
                EXPECT_EQ(ours->__ctype_toupper[c], glibc->__ctype_toupper[c]) << c;
            }
            for (int category = 0; category < 13; ++category)
                EXPECT_STREQ(ours->__names[category], glibc->__names[category]) << category;
        }
    }
    // One object: duplicating and freeing it are no-ops, __newlocale is newlocale.
    const locale_t c = cpp_sel4___newlocale(LC_ALL_MASK, "C", nullptr);
    EXPECT_EQ(cpp_sel4_newlocale(LC_CTYPE_MASK, "POSIX", c), c);
    EXPECT_EQ(cpp_sel4_duplocale(c), c);
    EXPECT_EQ(cpp_sel4___duplocale(LC_GLOBAL_LOCALE), c);
    cpp_sel4_freelocale(c);
    cpp_sel4___freelocale(c);
    EXPECT_EQ(c->__ctype_b[static_cast<unsigned char>('a')], glibc->__ctype_b[static_cast<unsigned char>('a')]);
    freelocale(glibc);
}

// The errors glibc gives.
void expect_failure_as_glibc(int mask, const char *name) {
    errno = 0;
    const locale_t glibc = newlocale(mask, name, nullptr);
    ASSERT_EQ(glibc, nullptr) << name;
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_newlocale(mask, name, nullptr), nullptr) << name;
    EXPECT_EQ(our_errno(), errno) << name;
}

TEST(Locale, OtherNamesFailAsInGlibc) {
    expect_failure_as_glibc(LC_ALL_MASK, "de_DE");            // no such locale: ENOENT
    expect_failure_as_glibc(LC_ALL_MASK, "xx_NOWHERE.UTF-8"); // ENOENT
    expect_failure_as_glibc(LC_ALL_MASK, nullptr);            // EINVAL
    expect_failure_as_glibc(1 << 20, "C");                    // an unknown category: EINVAL
    // glibc 2.35 and later have a built-in C.UTF-8; here only the C locale exists.
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_newlocale(LC_ALL_MASK, "C.UTF-8", nullptr), nullptr);
    EXPECT_EQ(our_errno(), ENOENT);
}

TEST(Locale, UselocaleIsPerThread) {
    const locale_t c = cpp_sel4_newlocale(LC_ALL_MASK, "C", nullptr);
    EXPECT_EQ(cpp_sel4_uselocale(nullptr), LC_GLOBAL_LOCALE); // as glibc: the global one first
    EXPECT_EQ(uselocale(nullptr), LC_GLOBAL_LOCALE);
    EXPECT_EQ(cpp_sel4___uselocale(c), LC_GLOBAL_LOCALE);
    EXPECT_EQ(cpp_sel4_uselocale(nullptr), c);
    locale_t other_thread = nullptr;
    std::thread([&other_thread] { other_thread = cpp_sel4_uselocale(nullptr); }).join();
    EXPECT_EQ(other_thread, LC_GLOBAL_LOCALE);
    EXPECT_EQ(cpp_sel4_uselocale(LC_GLOBAL_LOCALE), c);
    EXPECT_EQ(cpp_sel4_uselocale(nullptr), LC_GLOBAL_LOCALE);
}

TEST(Locale, SetlocaleKnowsOnlyC) {
    for (int category : {LC_ALL, LC_CTYPE, LC_NUMERIC, LC_MESSAGES, LC_IDENTIFICATION}) {
        EXPECT_STREQ(cpp_sel4_setlocale(category, nullptr), setlocale(category, nullptr));
        EXPECT_STREQ(cpp_sel4_setlocale(category, "C"), "C");
        EXPECT_STREQ(cpp_sel4_setlocale(category, "POSIX"), "C");
        EXPECT_STREQ(cpp_sel4_setlocale(category, ""), "C"); // no environment: the C locale
        EXPECT_EQ(cpp_sel4_setlocale(category, "de_DE"), nullptr);
        EXPECT_EQ(setlocale(category, "de_DE"), nullptr);
    }
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_setlocale(13, "C"), nullptr);
    EXPECT_EQ(our_errno(), EINVAL);
    EXPECT_EQ(setlocale(13, "C"), nullptr);
    EXPECT_EQ(errno, EINVAL);
}

// The items ours answers as glibc's C locale does; glibc has more (tables of LC_CTYPE and
// LC_COLLATE, week facts, LC_PAPER and the other GNU categories), which ours leaves empty.
enum class Kind { narrow, wide, word, empty };

Kind kind_of(nl_item item) {
    auto in = [item](int first, int last) { return item >= first && item <= last; };
    switch (item >> 16) {
    case LC_NUMERIC:
        return in(_NL_NUMERIC_DECIMAL_POINT_WC, _NL_NUMERIC_THOUSANDS_SEP_WC) ? Kind::word : Kind::narrow;
    case LC_TIME:
        if (in(ABDAY_1, ERA_T_FMT) || item == _DATE_FMT || item == _NL_TIME_CODESET || in(ALTMON_1, ALTMON_12) ||
            in(_NL_ABALTMON_1, _NL_ABALTMON_12))
            return Kind::narrow;
        if (in(_NL_WABDAY_1, _NL_WERA_T_FMT) || item == _NL_W_DATE_FMT || in(_NL_WALTMON_1, _NL_WALTMON_12) ||
            in(_NL_WABALTMON_1, _NL_WABALTMON_12))
            return Kind::wide;
        return item == _NL_TIME_ERA_NUM_ENTRIES ? Kind::word : Kind::empty;
    case LC_MONETARY:
        if (in(__INT_CURR_SYMBOL, __INT_N_SIGN_POSN) || item == _NL_MONETARY_CODESET)
            return Kind::narrow;
        return in(_NL_MONETARY_DECIMAL_POINT_WC, _NL_MONETARY_THOUSANDS_SEP_WC) ? Kind::word : Kind::empty;
    case LC_MESSAGES:
        return Kind::narrow;
    default:
        return item == CODESET || item == _NL_COLLATE_CODESET || item == _NL_PAPER_CODESET ||
                       item == _NL_NAME_CODESET || item == _NL_ADDRESS_CODESET || item == _NL_TELEPHONE_CODESET ||
                       item == _NL_MEASUREMENT_CODESET || item == _NL_IDENTIFICATION_CODESET
                   ? Kind::narrow
                   : Kind::empty;
    }
}

TEST(Locale, LanginfoItemsAreGlibcsCLocales) {
    const locale_t glibc = newlocale(LC_ALL_MASK, "C", nullptr);
    const locale_t ours = cpp_sel4_newlocale(LC_ALL_MASK, "C", nullptr);
    const int counts[] = {_NL_NUM_LC_CTYPE & 0xffff, _NL_NUM_LC_NUMERIC & 0xffff, _NL_NUM_LC_TIME & 0xffff,
                          _NL_NUM_LC_COLLATE & 0xffff, _NL_NUM_LC_MONETARY & 0xffff, _NL_NUM_LC_MESSAGES & 0xffff,
                          0, _NL_NUM_LC_PAPER & 0xffff, _NL_NUM_LC_NAME & 0xffff, _NL_NUM_LC_ADDRESS & 0xffff,
                          _NL_NUM_LC_TELEPHONE & 0xffff, _NL_NUM_LC_MEASUREMENT & 0xffff,
                          _NL_NUM_LC_IDENTIFICATION & 0xffff};
    int compared = 0;
    for (int category = 0; category < 13; ++category) {
        for (int index = 0; index < counts[category] + 2; ++index) { // and past the end
            const nl_item item = category << 16 | index;
            const char *answer = cpp_sel4___nl_langinfo_l(item, ours);
            EXPECT_EQ(cpp_sel4_nl_langinfo_l(item, ours), answer);
            EXPECT_EQ(cpp_sel4_nl_langinfo(item), answer);
            const Kind kind = index >= counts[category] ? Kind::empty : kind_of(item);
            const char *expected = nl_langinfo_l(item, glibc);
            switch (kind) {
            case Kind::narrow:
                EXPECT_STREQ(answer, expected) << std::hex << item;
                break;
            case Kind::wide:
                EXPECT_STREQ(reinterpret_cast<const wchar_t *>(answer), reinterpret_cast<const wchar_t *>(expected))
                    << std::hex << item;
                break;
            case Kind::word:
                EXPECT_EQ(answer, expected) << std::hex << item;
                break;
            case Kind::empty:
                ASSERT_NE(answer, nullptr) << std::hex << item;
                EXPECT_EQ(*reinterpret_cast<const wchar_t *>(answer), L'\0') << std::hex << item;
                --compared;
                break;
            }
            ++compared;
        }
    }
    EXPECT_GT(compared, 190); // of about 330 items
    freelocale(glibc);
}

TEST(Locale, IconvHasNoConversions) {
    our_errno() = 0;
    void *descriptor = cpp_sel4_iconv_open("UTF-8", "ASCII");
    EXPECT_EQ(descriptor, reinterpret_cast<void *>(-1));
    EXPECT_EQ(our_errno(), EINVAL);
    // glibc's answer for an unknown conversion
    errno = 0;
    EXPECT_EQ(iconv_open("NO-SUCH-CHARSET", "ASCII"), reinterpret_cast<iconv_t>(-1));
    EXPECT_EQ(errno, EINVAL);
    char in[] = "x", out[4];
    char *in_pointer = in, *out_pointer = out;
    std::size_t in_left = 1, out_left = sizeof out;
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_iconv(descriptor, &in_pointer, &in_left, &out_pointer, &out_left), static_cast<std::size_t>(-1));
    EXPECT_EQ(our_errno(), EBADF);
    our_errno() = 0;
    EXPECT_EQ(cpp_sel4_iconv_close(descriptor), -1);
    EXPECT_EQ(our_errno(), EBADF);
}

} // namespace
