// root-task.iostream: the standard streams (their output captured through the console hook,
// and printed), string streams, locales and facets, wide streams, number conversions against
// glibc's results, and the clean failures of files and of the missing console input.
#include "../check.hpp"

#include <sel4/runtime/libc.hpp>
#include <sel4/runtime/root_task.hpp>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <limits>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace {

// Everything written to the console since the last take(), and shown on the debug console.
char captured[1024];
std::size_t captured_size = 0;

void capture(const char *data, std::size_t size) {
    for (std::size_t i = 0; i < size && captured_size < sizeof captured; ++i)
        captured[captured_size++] = data[i];
    sel4_runtime::debug_write(std::string_view(data, size));
}

std::string take() {
    std::string text(captured, captured_size);
    captured_size = 0;
    return text;
}

void standard_streams() {
    sel4_runtime::set_console(capture);
    std::cout << "cout: " << 42 << ' ' << 2.5 << ' ' << std::hex << 255 << std::dec << std::endl;
    CHECK(take() == "cout: 42 2.5 ff\n");
    std::cerr << "cerr: " << std::boolalpha << true << std::setw(6) << -7 << '\n';
    CHECK(take() == "cerr: true    -7\n");
    std::clog << "clog: " << std::fixed << std::setprecision(3) << 3.14159 << std::endl;
    CHECK(take() == "clog: 3.142\n");
    std::wcout << L"wcout: " << 12345 << L' ' << 0.25 << std::endl;
    CHECK(take() == "wcout: 12345 0.25\n");
    std::printf("printf: %s %d\n", "and cout share the console", 7);
    CHECK(take() == "printf: and cout share the console 7\n");
}

void string_streams() {
    std::stringstream stream;
    stream << -123456789 << ' ' << 0.1 << ' ' << 1e300 << ' ' << "word" << ' ' << 4.9e-324;
    CHECK(stream.str() == "-123456789 0.1 1e+300 word 4.94066e-324");
    int i = 0;
    double d = 0, huge = 0, tiny = 0;
    std::string s;
    stream >> i >> d >> huge >> s >> tiny;
    CHECK(i == -123456789 && d == 0.1 && huge == 1e300 && s == "word");
    CHECK(tiny == 4.94066e-324); // rounds to the smallest subnormal
    std::ostringstream exact;
    exact << std::setprecision(17) << 0.1 << ' ' << std::setprecision(21) << 0.1L;
    CHECK(exact.str() == (std::numeric_limits<long double>::digits == 64 ? "0.10000000000000001 0.100000000000000000001"
                                                                         : "0.10000000000000001 0.1"));
    std::istringstream bad("12abc");
    int n = 0;
    std::string rest;
    bad >> n >> rest;
    CHECK(n == 12 && rest == "abc");
    std::istringstream not_a_number("x");
    not_a_number >> n;
    CHECK(not_a_number.fail());
    std::istringstream overflow("1e999");
    double big = 0;
    overflow >> big;
    CHECK(overflow.fail() && big == std::numeric_limits<double>::max());

    std::wstringstream wide;
    wide << L"wide " << 3.5 << L' ' << -17;
    CHECK(wide.str() == L"wide 3.5 -17");
    std::wstring word;
    double x = 0;
    int y = 0;
    wide >> word >> x >> y;
    CHECK(word == L"wide" && x == 3.5 && y == -17);
}

void locales() {
    const std::locale c("C");
    CHECK(c.name() == "C" && c == std::locale::classic());
    CHECK(std::locale("POSIX").name() == "C");
    CHECK(std::locale("").name() == "C"); // no environment: the C locale
    bool threw = false;
    try {
        std::locale german("de_DE");
    } catch (const std::runtime_error &error) {
        threw = std::strstr(error.what(), "name not valid") != nullptr;
    }
    CHECK(threw);

    const auto &ctype = std::use_facet<std::ctype<char>>(c);
    CHECK(ctype.is(std::ctype_base::alpha, 'q') && !ctype.is(std::ctype_base::digit, 'q'));
    CHECK(ctype.is(std::ctype_base::space, '\t') && ctype.is(std::ctype_base::punct, '!'));
    CHECK(!ctype.is(std::ctype_base::print, '\x80'));
    CHECK(ctype.toupper('a') == 'A' && ctype.tolower('Z') == 'z' && ctype.toupper('1') == '1');
    CHECK(ctype.widen('x') == 'x' && ctype.narrow('y', '?') == 'y');
    const auto &wctype = std::use_facet<std::ctype<wchar_t>>(c);
    CHECK(wctype.is(std::ctype_base::upper, L'Q') && wctype.toupper(L'b') == L'B');
    CHECK(wctype.widen('k') == L'k' && wctype.narrow(L'\x20ac', '?') == '?');
    CHECK(std::isalpha('e', c) && std::isxdigit('F', c) && std::toupper('m', c) == 'M');

    // num_put and num_get of the C locale directly.
    std::ostringstream out;
    const auto &put = std::use_facet<std::num_put<char>>(c);
    put.put(std::ostreambuf_iterator<char>(out), out, ' ', 1234567L);
    put.put(std::ostreambuf_iterator<char>(out), out, ' ', -0.5);
    CHECK(out.str() == "1234567-0.5");
    std::istringstream in("98765 2.75e2");
    const auto &get = std::use_facet<std::num_get<char>>(c);
    std::ios_base::iostate state = std::ios_base::goodbit;
    long parsed = 0;
    double real = 0;
    auto it = get.get(std::istreambuf_iterator<char>(in), {}, in, state, parsed);
    ++it; // the space
    get.get(it, {}, in, state, real);
    CHECK(parsed == 98765 && real == 275.0 && !(state & std::ios_base::failbit));

    const auto &numpunct = std::use_facet<std::numpunct<char>>(c);
    CHECK(numpunct.decimal_point() == '.' && numpunct.grouping().empty() && numpunct.truename() == "true");

    // time_put over strftime.
    std::tm when{};
    when.tm_year = 124, when.tm_mon = 2, when.tm_mday = 5, when.tm_hour = 7, when.tm_min = 8, when.tm_sec = 9;
    when.tm_wday = 2, when.tm_yday = 64;
    std::ostringstream time;
    time << std::put_time(&when, "%Y-%m-%d %H:%M:%S %a %b %j %c");
    CHECK(time.str() == "2024-03-05 07:08:09 Tue Mar 065 Tue Mar  5 07:08:09 2024");
    char buffer[64];
    CHECK(std::strftime(buffer, sizeof buffer, "%A %B %p %y %%", &when) == 21);
    CHECK(std::strcmp(buffer, "Tuesday March AM 24 %") == 0);

    CHECK(std::system_category().message(ENOENT) == "No such file or directory");
    CHECK(std::strcmp(std::strerror(ENOSYS), "Function not implemented") == 0);
}

void conversions() {
    // strtod and friends: the results glibc gives (the compiler's own correctly rounded
    // literals, which agree with glibc's strtod on the host), end pointers and errno.
    char *end = nullptr;
    CHECK(std::strtod("0.1", &end) == 0.1 && *end == '\0');
    CHECK(std::strtod("  -2.2250738585072011e-308xyz", &end) == -2.2250738585072011e-308 && *end == 'x');
    CHECK(std::strtod("0x1.8p1", nullptr) == 3.0);
    CHECK(std::strtod("4.9406564584124654e-324", nullptr) == 0x1p-1074);
    CHECK(std::strtod("1.7976931348623157e308", nullptr) == 0x1.fffffffffffffp+1023);
    CHECK(std::strtod("123456789012345678901234567890", nullptr) == 1.2345678901234568e29);
    errno = 0;
    CHECK(std::strtod("1e400", nullptr) == HUGE_VAL && errno == ERANGE);
    errno = 0;
    CHECK(std::strtod("1e-400", nullptr) == 0.0 && errno == ERANGE);
    CHECK(std::isinf(std::strtod("-Infinity", &end)) && *end == '\0');
    CHECK(std::isnan(std::strtod("nan(123)", &end)) && *end == '\0');
    CHECK(std::signbit(std::strtod("-0", nullptr)));
    CHECK(std::strtod("junk", &end) == 0.0 && std::strcmp(end, "junk") == 0);
    CHECK(std::strtof("0.1", nullptr) == 0.1f);
    CHECK(std::strtof("1e-45", nullptr) == 0x1p-149f);
    CHECK(std::strtof("3.4028235e38", nullptr) == 0x1.fffffep+127f);
    CHECK(std::strtof("16777217", nullptr) == 16777216.0f); // ties to even
    CHECK(std::strtold("0.1", &end) == 0.1L && *end == '\0');
    constexpr bool x87 = std::numeric_limits<long double>::digits == 64; // else binary128
    CHECK(std::strtold(x87 ? "1.18973149535723176502e+4932" : "1.18973149535723176508575932662800702e+4932", nullptr) ==
          std::numeric_limits<long double>::max());
    CHECK(std::strtold(x87 ? "3.64519953188247460253e-4951" : "6.47517511943802511092443895822764655e-4966", nullptr) ==
          std::numeric_limits<long double>::denorm_min());
    CHECK(std::strtold("0x1.23456789abcdef0123456789abcdp0", nullptr) == 0x1.23456789abcdef0123456789abcdp0L);
    CHECK(std::strtol("-0x7fffffff", nullptr, 16) == -0x7fffffffL && std::strtoull("777", nullptr, 8) == 511u);

    char text[64];
    auto [ptr, ec] = std::to_chars(text, text + sizeof text, 0.1);
    CHECK(ec == std::errc{} && std::string(text, ptr) == "0.1");
    ptr = std::to_chars(text, text + sizeof text, 1e21).ptr;
    CHECK(std::string(text, ptr) == "1e+21");
    ptr = std::to_chars(text, text + sizeof text, 1.0 / 3, std::chars_format::fixed, 10).ptr;
    CHECK(std::string(text, ptr) == "0.3333333333");
    ptr = std::to_chars(text, text + sizeof text, 0.1L).ptr;
    CHECK(std::string(text, ptr) == "0.1");
    ptr = std::to_chars(text, text + sizeof text, 2.5f, std::chars_format::scientific).ptr;
    CHECK(std::string(text, ptr) == "2.5e+00");
    double parsed = 0;
    const char number[] = "1.5e3rest";
    auto result = std::from_chars(number, number + sizeof number - 1, parsed);
    CHECK(result.ec == std::errc{} && parsed == 1500.0 && std::strcmp(result.ptr, "rest") == 0);
    float single = 0;
    CHECK(std::from_chars(number, number + 3, single).ec == std::errc{} && single == 1.5f);
    long double extended = 0;
    const char tenth[] = "0.1";
    CHECK(std::from_chars(tenth, tenth + 3, extended).ec == std::errc{} && extended == 0.1L);
    const char bad[] = "-";
    CHECK(std::from_chars(bad, bad + 1, parsed).ec == std::errc::invalid_argument);
    int integer = 0;
    const char digits[] = "-2147483648";
    CHECK(std::from_chars(digits, digits + 11, integer).ec == std::errc{} && integer == -2147483647 - 1);
}

void no_files_and_no_input() {
    std::ifstream file("/etc/passwd");
    CHECK(!file.is_open() && file.fail());
    std::ofstream out("/tmp/out");
    CHECK(!out.is_open());
    out << "dropped";
    CHECK(out.fail());
    errno = 0;
    CHECK(std::fopen("/etc/passwd", "r") == nullptr && errno == ENOSYS);
    CHECK(std::getenv("HOME") == nullptr);

    int n = 7;
    std::cin >> n;
    CHECK(std::cin.eof() && std::cin.fail() && n == 7); // the sentry failed: nothing extracted
    std::wstring w;
    std::wcin >> w;
    CHECK(std::wcin.eof() && w.empty());
    CHECK(std::getchar() == EOF && std::feof(stdin));
}

} // namespace

int root_main(const sel4::BootInfo &) {
    standard_streams();
    string_streams();
    locales();
    conversions();
    no_files_and_no_input();
    return passed();
}

SEL4_ROOT_TASK_MAIN(root_main)
SEL4_ROOT_TASK_STACK_SIZE(256 * 1024)
