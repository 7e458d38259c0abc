// sel4/http/message.hpp's pieces on their own: dates, ranges, paths, MIME types, the head.
#include <sel4/http/message.hpp>

#include <gtest/gtest.h>

#include <ctime>
#include <random>
#include <string>

namespace {

namespace http = sel4::http;

std::string date(std::int64_t t) {
    const auto d = http::http_date(t);
    return std::string(d.data(), d.size());
}

TEST(HttpDate, FormatsImfFixdate) {
    EXPECT_EQ(date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(date(1767225600), "Thu, 01 Jan 2026 00:00:00 GMT");
    EXPECT_EQ(date(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
    EXPECT_EQ(date(4102444799), "Thu, 31 Dec 2099 23:59:59 GMT");
}

TEST(HttpDate, AgreesWithTheCLibraryAndRoundTrips) {
    std::mt19937_64 random(15);
    for (int i = 0; i < 20000; ++i) {
        const auto t = static_cast<std::int64_t>(random() % 4102444800ull);
        const std::time_t tt = static_cast<std::time_t>(t);
        std::tm tm{};
        ::gmtime_r(&tt, &tm);
        char expected[64];
        std::strftime(expected, sizeof expected, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        ASSERT_EQ(date(t), expected) << t;
        ASSERT_EQ(http::parse_http_date(expected), t) << expected;
    }
}

TEST(HttpDate, ParsesTheThreeFormats) {
    EXPECT_EQ(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    EXPECT_EQ(http::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777);
    EXPECT_EQ(http::parse_http_date("Sun Nov  6 08:49:37 1994"), 784111777);
    EXPECT_EQ(http::parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT "), 784111777);
}

TEST(HttpDate, RefusesWhatIsNotADate) {
    for (const char *bad : {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Xyz 1994 08:49:37 GMT",
                            "Sun, 36 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT",
                            "Sun, 06 Nov 19x4 08:49:37 GMT", "Sun, 06 Nov 1969 08:49:37 GMT", "Sun Nov 6 08:49:37 1994",
                            "Sunday, 06-Nov-94 08-49-37 GMT"})
        EXPECT_FALSE(http::parse_http_date(bad).has_value()) << bad;
}

TEST(Range, ParsesOneByteRange) {
    using K = http::RangeRequest::Kind;
    struct Case {
        const char *value;
        std::uint64_t size;
        K kind;
        std::uint64_t first, last;
    } cases[] = {
        {"bytes=0-0", 10, K::partial, 0, 0},       {"bytes=2-5", 10, K::partial, 2, 5},
        {"bytes=2-", 10, K::partial, 2, 9},        {"bytes=-3", 10, K::partial, 7, 9},
        {"bytes=-30", 10, K::partial, 0, 9},       {"bytes=5-100", 10, K::partial, 5, 9},
        {"BYTES = 1-2", 10, K::whole, 0, 0},       {"Bytes=1-2", 10, K::partial, 1, 2},
        {"bytes= 1 - 2 ", 10, K::partial, 1, 2},   {"bytes=10-", 10, K::unsatisfiable, 0, 0},
        {"bytes=-0", 10, K::unsatisfiable, 0, 0},  {"bytes=0-", 0, K::unsatisfiable, 0, 0},
        {"bytes=5-1", 10, K::whole, 0, 0},         {"bytes=1-2,4-5", 10, K::whole, 0, 0},
        {"bytes=x-2", 10, K::whole, 0, 0},         {"bytes=1-y", 10, K::whole, 0, 0},
        {"bytes=", 10, K::whole, 0, 0},            {"bytes=-", 10, K::whole, 0, 0},
        {"items=1-2", 10, K::whole, 0, 0},         {"bytes=99999999999999999999-", 10, K::whole, 0, 0},
    };
    for (const Case &c : cases) {
        const auto r = http::parse_range(c.value, c.size);
        EXPECT_EQ(r.kind, c.kind) << c.value;
        if (c.kind == K::partial) {
            EXPECT_EQ(r.range, (http::ByteRange{c.first, c.last})) << c.value;
        }
    }
}

TEST(Path, NormalisesAndRefuses) {
    struct Case {
        const char *in, *out;
        bool slash;
    } good[] = {
        {"", "/", true},          {"/", "/", true},           {"/a", "/a", false},        {"/a/", "/a", true},
        {"//a//b", "/a/b", false}, {"/./a/./", "/a", true},   {"/a%20b", "/a b", false},  {"/%41", "/A", false},
        {"/a%2fb", "/a/b", false}, {"/.hidden", "/.hidden", false}, {"/a..b", "/a..b", false},
    };
    for (const Case &c : good) {
        auto p = http::normalise(c.in);
        ASSERT_TRUE(p.has_value()) << c.in;
        EXPECT_EQ(p->view(), c.out) << c.in;
        EXPECT_EQ(p->trailing_slash, c.slash) << c.in;
    }
    for (const char *bad : {"/..", "/a/../b", "/%2e%2e", "/a/%2E%2E/", "/%", "/%4", "/%zz", "/%00", "/\x01", "/a\\b",
                            "/%5c", "/\x7f"})
        EXPECT_FALSE(http::normalise(bad).has_value()) << bad;
    EXPECT_FALSE(http::normalise("/" + std::string(http::max_path_bytes, 'a')).has_value());
    EXPECT_TRUE(http::normalise("/" + std::string(http::max_path_bytes - 10, 'a')).has_value());
}

TEST(Mime, ByExtension) {
    EXPECT_EQ(http::mime_type("/index.html"), "text/html; charset=utf-8");
    EXPECT_EQ(http::mime_type("/a.b/style.CSS"), "text/css; charset=utf-8");
    EXPECT_EQ(http::mime_type("/logo.svg"), "image/svg+xml");
    EXPECT_EQ(http::mime_type("/x.wasm"), "application/wasm");
    EXPECT_EQ(http::mime_type("/noextension"), "application/octet-stream");
    EXPECT_EQ(http::mime_type("/dir.d/noextension"), "application/octet-stream");
    EXPECT_EQ(http::mime_type("/trailing."), "application/octet-stream");
}

TEST(Head, BuildsAndCutsCleanly) {
    http::Head head(http::Status::partial_content);
    head.header("A", "b").header("Length", std::uint64_t{12345}).content_range({1, 2}, 3);
    const auto bytes = head.finish();
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(bytes.data()), bytes.size()),
              "HTTP/1.1 206 Partial Content\r\nA: b\r\nLength: 12345\r\nContent-Range: bytes 1-2/3\r\n\r\n");
    EXPECT_TRUE(head.ok());
    http::Head big(http::Status::ok);
    big.header("X", std::string(4000, 'x'));
    EXPECT_FALSE(big.ok());
    const auto cut = big.finish();
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(cut.data()), cut.size()), "HTTP/1.1 200 OK\r\nX: \r\n\r\n");
}

TEST(Reason, EveryStatusHasOne) {
    for (auto s : {http::Status::ok, http::Status::not_found, http::Status::header_fields_too_large,
                   http::Status::service_unavailable})
        EXPECT_NE(http::reason(s), "Unknown");
}

} // namespace
