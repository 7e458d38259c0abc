// The C library's locales, as libstdc++'s "gnu" locale model uses them: glibc's extended locale
// API (__newlocale, __uselocale, __nl_langinfo_l, ...) over locale objects in glibc's layout,
// whose ctype tables libstdc++ reads directly (struct __locale_struct: __ctype_b,
// __ctype_tolower, __ctype_toupper). There is one locale, "C" (also named "POSIX", and what ""
// means, as there is no environment); every locale_t is the one C locale object, so
// duplicating and freeing are no-ops. Its character set is musl's C locale's: bytes, with
// MB_CUR_MAX 1 (libc-musl's multibyte and wide-character functions).
//
// iconv has no conversions: iconv_open fails with EINVAL (libstdc++ asks only when narrowing
// a named locale's multibyte punctuation, which the C locale has none of).
#include <iconv.h>
#include <langinfo.h>
#include <locale.h>

#include <cerrno>
#include <cstdint>

#include "c_library.hpp"

namespace {

using sel4_runtime::detail::set_errno;

bool is_c_locale_name(const char *name) {
    auto equal = [](const char *a, const char *b) {
        while (*a != '\0' && *a == *b)
            ++a, ++b;
        return *a == *b;
    };
    return equal(name, "C") || equal(name, "POSIX") || equal(name, "");
}

// musl's ctype tables (libc-musl), which have glibc's layout: indexable from -128 to 255.
extern "C" const unsigned short **__ctype_b_loc() noexcept;
extern "C" const std::int32_t **__ctype_tolower_loc() noexcept;
extern "C" const std::int32_t **__ctype_toupper_loc() noexcept;

locale_t c_locale() {
    static __locale_struct locale = [] {
        __locale_struct c{};
        c.__ctype_b = *__ctype_b_loc();
        c.__ctype_tolower = *__ctype_tolower_loc();
        c.__ctype_toupper = *__ctype_toupper_loc();
        for (const char *&name : c.__names)
            name = "C";
        return c;
    }();
    return &locale;
}

// The calling thread's locale (uselocale); LC_GLOBAL_LOCALE until the thread sets one.
thread_local locale_t current_locale = LC_GLOBAL_LOCALE;

// glibc's item numbers (langinfo.h): category << 16 | index.
constexpr int category_of(nl_item item) { return item >> 16; }

// LC_TIME's strings in glibc's item order from ABDAY_1 to T_FMT_AMPM, as narrow and as wide
// strings (the _NL_W* items, which libstdc++'s __timepunct<wchar_t> reads).
#define CPP_SEL4_TIME_STRINGS(X)                                                                                 \
    X("Sun") X("Mon") X("Tue") X("Wed") X("Thu") X("Fri") X("Sat") X("Sunday") X("Monday") X("Tuesday")          \
    X("Wednesday") X("Thursday") X("Friday") X("Saturday") X("Jan") X("Feb") X("Mar") X("Apr") X("May") X("Jun")  \
    X("Jul") X("Aug") X("Sep") X("Oct") X("Nov") X("Dec") X("January") X("February") X("March") X("April")       \
    X("May") X("June") X("July") X("August") X("September") X("October") X("November") X("December") X("AM")    \
    X("PM") X("%a %b %e %H:%M:%S %Y") X("%m/%d/%y") X("%H:%M:%S") X("%I:%M:%S %p")
#define CPP_SEL4_NARROW(s) s,
#define CPP_SEL4_WIDE(s) L"" s,
constexpr const char *time_strings[] = {CPP_SEL4_TIME_STRINGS(CPP_SEL4_NARROW)};
constexpr const wchar_t *wide_time_strings[] = {CPP_SEL4_TIME_STRINGS(CPP_SEL4_WIDE)};
#undef CPP_SEL4_NARROW
#undef CPP_SEL4_WIDE
#undef CPP_SEL4_TIME_STRINGS
static_assert(sizeof time_strings / sizeof *time_strings == T_FMT_AMPM - ABDAY_1 + 1);

// An empty string that is empty read as a wide string too: the answer for the items the C
// locale leaves empty and for unknown ones.
constexpr wchar_t empty[1] = {};

char *narrow(const char *s) { return const_cast<char *>(s); }
char *wide(const wchar_t *s) { return reinterpret_cast<char *>(const_cast<wchar_t *>(s)); }
// glibc answers some items with a value in place of a pointer (the _WC characters).
char *word(std::uintptr_t value) { return reinterpret_cast<char *>(value); }

char *time_item(nl_item item) {
    auto in = [item](int first, int last) { return item >= first && item <= last; };
    if (in(ABDAY_1, T_FMT_AMPM))
        return narrow(time_strings[item - ABDAY_1]);
    if (in(_NL_WABDAY_1, _NL_WT_FMT_AMPM))
        return wide(wide_time_strings[item - _NL_WABDAY_1]);
    // The standalone month names (glibc 2.27+) are the C locale's month names.
    if (in(ALTMON_1, ALTMON_12))
        return narrow(time_strings[MON_1 - ABDAY_1 + item - ALTMON_1]);
    if (in(_NL_WALTMON_1, _NL_WALTMON_12))
        return wide(wide_time_strings[MON_1 - ABDAY_1 + item - _NL_WALTMON_1]);
    if (in(_NL_ABALTMON_1, _NL_ABALTMON_12))
        return narrow(time_strings[ABMON_1 - ABDAY_1 + item - _NL_ABALTMON_1]);
    if (in(_NL_WABALTMON_1, _NL_WABALTMON_12))
        return wide(wide_time_strings[ABMON_1 - ABDAY_1 + item - _NL_WABALTMON_1]);
    if (item == _DATE_FMT)
        return narrow("%a %b %e %H:%M:%S %Z %Y");
    if (item == _NL_W_DATE_FMT)
        return wide(L"%a %b %e %H:%M:%S %Z %Y");
    if (item == _NL_TIME_ERA_NUM_ENTRIES)
        return word(0);
    return wide(empty); // the era items, and the week and time-zone facts glibc keeps here
}

char *monetary_item(nl_item item) {
    if (item >= __INT_CURR_SYMBOL && item <= __NEGATIVE_SIGN)
        return narrow("");
    if (item == CRNCYSTR)
        return narrow("-");
    // The numeric members of struct lconv: CHAR_MAX in glibc's spelling, the byte 0xff.
    if ((item >= __INT_FRAC_DIGITS && item <= __N_SIGN_POSN) || (item >= __INT_P_CS_PRECEDES && item <= __INT_N_SIGN_POSN))
        return narrow("\377");
    if (item == _NL_MONETARY_DECIMAL_POINT_WC || item == _NL_MONETARY_THOUSANDS_SEP_WC)
        return word(0);
    return wide(empty);
}

} // namespace

extern "C" {

locale_t CPP_SEL4_C_NAME(__newlocale)(int category_mask, const char *name, locale_t) noexcept {
    // glibc's 1 << LC_ALL means every category; libstdc++ asks for that.
    if (name == nullptr || (category_mask != 1 << LC_ALL && (category_mask & ~LC_ALL_MASK) != 0)) {
        set_errno(EINVAL);
        return nullptr;
    }
    if (!is_c_locale_name(name)) {
        set_errno(ENOENT); // as glibc says for a locale it has no data for
        return nullptr;
    }
    return c_locale(); // the base, if any, is the C locale too: nothing of it to keep or free
}

locale_t CPP_SEL4_C_NAME(newlocale)(int category_mask, const char *name, locale_t base) noexcept {
    return CPP_SEL4_C_NAME(__newlocale)(category_mask, name, base);
}

locale_t CPP_SEL4_C_NAME(__duplocale)(locale_t) noexcept { return c_locale(); }
locale_t CPP_SEL4_C_NAME(duplocale)(locale_t locale) noexcept { return CPP_SEL4_C_NAME(__duplocale)(locale); }

void CPP_SEL4_C_NAME(__freelocale)(locale_t) noexcept {}
void CPP_SEL4_C_NAME(freelocale)(locale_t locale) noexcept { CPP_SEL4_C_NAME(__freelocale)(locale); }

locale_t CPP_SEL4_C_NAME(__uselocale)(locale_t locale) noexcept {
    const locale_t previous = current_locale;
    if (locale != nullptr)
        current_locale = locale;
    return previous;
}

locale_t CPP_SEL4_C_NAME(uselocale)(locale_t locale) noexcept { return CPP_SEL4_C_NAME(__uselocale)(locale); }

char *CPP_SEL4_C_NAME(setlocale)(int category, const char *name) noexcept {
    if (category < LC_CTYPE || category > LC_IDENTIFICATION) {
        set_errno(EINVAL);
        return nullptr;
    }
    if (name != nullptr && !is_c_locale_name(name))
        return nullptr; // glibc sets no errno here
    return narrow("C");
}

char *CPP_SEL4_C_NAME(__nl_langinfo_l)(nl_item item, locale_t) noexcept {
    switch (item) {
    case CODESET: case _NL_NUMERIC_CODESET: case _NL_TIME_CODESET: case _NL_COLLATE_CODESET:
    case _NL_MONETARY_CODESET: case _NL_MESSAGES_CODESET: case _NL_PAPER_CODESET: case _NL_NAME_CODESET:
    case _NL_ADDRESS_CODESET: case _NL_TELEPHONE_CODESET: case _NL_MEASUREMENT_CODESET:
    case _NL_IDENTIFICATION_CODESET:
        return narrow("ANSI_X3.4-1968"); // glibc's name for the C locale's character set, ASCII
    case RADIXCHAR:
        return narrow(".");
    case _NL_NUMERIC_DECIMAL_POINT_WC:
        return word(L'.');
    case _NL_NUMERIC_THOUSANDS_SEP_WC:
        return word(0);
    case YESEXPR:
        return narrow("^[yY]");
    case NOEXPR:
        return narrow("^[nN]");
    default:
        break;
    }
    switch (category_of(item)) {
    case LC_TIME:
        return time_item(item);
    case LC_MONETARY:
        return monetary_item(item);
    default:
        return wide(empty); // THOUSEP, GROUPING, YESSTR, NOSTR, the tables, unknown items
    }
}

char *CPP_SEL4_C_NAME(nl_langinfo_l)(nl_item item, locale_t locale) noexcept {
    return CPP_SEL4_C_NAME(__nl_langinfo_l)(item, locale);
}

char *CPP_SEL4_C_NAME(nl_langinfo)(nl_item item) noexcept {
    return CPP_SEL4_C_NAME(__nl_langinfo_l)(item, LC_GLOBAL_LOCALE);
}

// Not noexcept, as glibc declares them (cancellation points).
iconv_t CPP_SEL4_C_NAME(iconv_open)(const char *, const char *) {
    set_errno(EINVAL); // POSIX: the conversion is not supported
    return reinterpret_cast<iconv_t>(-1);
}

// No descriptor can exist.
std::size_t CPP_SEL4_C_NAME(iconv)(iconv_t, char **, std::size_t *, char **, std::size_t *) {
    set_errno(EBADF);
    return static_cast<std::size_t>(-1);
}

int CPP_SEL4_C_NAME(iconv_close)(iconv_t) {
    set_errno(EBADF);
    return -1;
}

} // extern "C"
