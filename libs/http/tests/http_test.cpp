// sel4::http::serve() against a table of requests and the responses they must get, over an
// in-memory transport (whole, and a byte at a time) and site; then the connection-level
// behaviour (keep-alive, pipelining, closes, failures) and FatSite over images made by
// mkfs.fat and mcopy.
#include "support.hpp"

#include "../../fat/tests/support.hpp"

#include <sel4/http/fat_site.hpp>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

using namespace http_test;

constexpr std::int64_t modified = 1767225600; // Thu, 01 Jan 2026 00:00:00 GMT
const std::string index_html = "<!DOCTYPE html><title>index</title><p>hello</p>\n";
const std::string docs_html = "<!DOCTYPE html><title>docs</title>\n";
const std::string style_css = "body { color: #123456; }\n";

std::string digits_file() {
    std::string s;
    for (int i = 0; i < 10000; ++i)
        s += static_cast<char>('0' + i % 10);
    return s;
}

MemorySite make_site() {
    MemorySite site;
    site.add("/index.html", index_html);
    site.add("/docs/index.html", docs_html);
    site.add("/style.css", style_css);
    site.add("/files/digits.txt", digits_file());
    site.add("/logo.svg", "<svg/>");
    site.add("/photo.PNG", "png");
    site.add("/data.bin", "bin");
    site.add("/undated.txt", "u", std::nullopt);
    site.add("/space name.txt", "spaced");
    return site;
}

std::int64_t fixed_now() noexcept { return 1767312000; } // Fri, 02 Jan 2026 00:00:00 GMT
std::size_t status_page(std::span<char> out) noexcept {
    const std::string_view body = R"({"ok":true})";
    std::memcpy(out.data(), body.data(), body.size());
    return body.size();
}

class Serve : public testing::Test {
protected:
    async::FramePool<1024 * 1024> pool;
    async::Executor executor;
    MemorySite site = make_site();
    http::Stats stats;
    http::Config config{.now = &fixed_now, .generated = {.path = "/_status", .write = &status_page}};

    // Serves `input` (delivered `piece` bytes a read) on one connection; gives what came back.
    std::string serve(const std::string &input, std::size_t piece = 1 << 20, bool fail_reads = false) {
        MemoryTransport transport(input, piece, fail_reads);
        auto task = executor.spawn(http::serve(transport, site, config, stats));
        EXPECT_TRUE(task.has_value());
        executor.run_until_stalled();
        EXPECT_TRUE(task->done()) << "serve() did not finish";
        return transport.output;
    }
    // The one response to `request` (which asks for the connection's close, or is alone).
    Response one(const std::string &request, bool head_only = false) {
        const std::string output = serve(request);
        std::string error;
        auto responses = read_responses(output, {head_only}, &error);
        EXPECT_EQ(error, "") << output;
        EXPECT_EQ(responses.size(), 1u) << output;
        return responses.empty() ? Response{} : responses[0];
    }
};

std::string get(const std::string &target, const std::string &headers = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + headers + "Connection: close\r\n\r\n";
}

// The table: a request, the status, headers that must be there (with these values; "" means
// "must be absent"), and the body when it matters.
struct Case {
    const char *name;
    std::string request;
    int status;
    std::vector<std::pair<std::string, std::string>> headers;
    std::optional<std::string> body;
    bool head_only = false;
};

std::vector<Case> table() {
    const std::string digits = digits_file();
    return {
        {"index", get("/"), 200,
         {{"content-type", "text/html; charset=utf-8"}, {"content-length", std::to_string(index_html.size())},
          {"last-modified", "Thu, 01 Jan 2026 00:00:00 GMT"}, {"server", "cpp-sel4"},
          {"date", "Fri, 02 Jan 2026 00:00:00 GMT"}, {"accept-ranges", "bytes"}, {"connection", "close"}},
         index_html},
        {"index by name", get("/index.html"), 200, {}, index_html},
        {"directory with slash", get("/docs/"), 200, {}, docs_html},
        {"directory without slash", get("/docs"), 301, {{"location", "/docs/"}}, std::nullopt},
        {"directory without slash, query", get("/docs?x=1"), 301, {{"location", "/docs/"}}, std::nullopt},
        {"missing", get("/nothing.html"), 404, {{"content-type", "text/html; charset=utf-8"}}, std::nullopt},
        {"directory without index", get("/files/"), 404, {}, std::nullopt},
        {"a file as a directory", get("/style.css/"), 404, {}, std::nullopt},
        {"css", get("/style.css"), 200, {{"content-type", "text/css; charset=utf-8"}}, style_css},
        {"svg", get("/logo.svg"), 200, {{"content-type", "image/svg+xml"}}, "<svg/>"},
        {"png, upper-case extension", get("/photo.PNG"), 200, {{"content-type", "image/png"}}, "png"},
        {"unknown type", get("/data.bin"), 200, {{"content-type", "application/octet-stream"}}, "bin"},
        {"no date", get("/undated.txt"), 200, {{"last-modified", ""}}, "u"},
        {"query ignored", get("/style.css?v=2#x"), 200, {}, style_css},
        {"percent-encoded", get("/st%79le.css"), 200, {}, style_css},
        {"percent-encoded space", get("/space%20name.txt"), 200, {}, "spaced"},
        {"dot segments", get("/./docs/./index.html"), 200, {}, docs_html},
        {"double slashes", get("//docs//index.html"), 200, {}, docs_html},
        {"dot-dot", get("/docs/../index.html"), 400, {{"connection", "close"}}, std::nullopt},
        {"encoded dot-dot", get("/%2e%2e/index.html"), 400, {}, std::nullopt},
        {"encoded NUL", get("/index.html%00"), 400, {}, std::nullopt},
        {"bad escape", get("/%zzindex.html"), 400, {}, std::nullopt},
        {"truncated escape", get("/index.html%4"), 400, {}, std::nullopt},
        {"backslash", get("/docs%5cindex.html"), 400, {}, std::nullopt},
        {"absolute form", "GET http://test/style.css HTTP/1.1\r\nConnection: close\r\n\r\n", 200, {}, style_css},
        {"HEAD", "HEAD / HTTP/1.1\r\nConnection: close\r\n\r\n", 200,
         {{"content-length", std::to_string(index_html.size())}}, "", true},
        {"HEAD of a missing file", "HEAD /x HTTP/1.1\r\nConnection: close\r\n\r\n", 404, {}, "", true},
        {"POST", "POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 405,
         {{"allow", "GET, HEAD"}, {"connection", "close"}}, std::nullopt},
        {"DELETE", "DELETE / HTTP/1.1\r\nConnection: close\r\n\r\n", 405, {{"allow", "GET, HEAD"}}, std::nullopt},
        {"OPTIONS *", "OPTIONS * HTTP/1.1\r\nConnection: close\r\n\r\n", 405, {}, std::nullopt},
        {"garbage", "\x01\x02\x03 nonsense\r\n\r\n", 400, {{"connection", "close"}}, std::nullopt},
        {"no version", "GET /\r\n\r\n", 400, {}, std::nullopt},
        {"bad version", "GET / HTTP/x.y\r\n\r\n", 400, {}, std::nullopt},
        {"header without colon", "GET / HTTP/1.1\r\nbroken\r\n\r\n", 400, {}, std::nullopt},
        {"space in the target", "GET /a b HTTP/1.1\r\n\r\n", 400, {}, std::nullopt},
        {"control byte in the target", "GET /\x01 HTTP/1.1\r\n\r\n", 400, {}, std::nullopt},
        {"bad content-length", "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400, {}, std::nullopt},
        {"two content-lengths", "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, {},
         std::nullopt},
        {"huge content-length", "GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400, {},
         std::nullopt},
        {"long target", get("/" + std::string(3000, 'a')), 414, {{"connection", "close"}}, std::nullopt},
        {"long header", get("/", "X-Big: " + std::string(9000, 'b') + "\r\n"), 431, {{"connection", "close"}},
         std::nullopt},
        {"many headers", get("/", [] {
             std::string h;
             for (int i = 0; i < 1000; ++i)
                 h += "X-H" + std::to_string(i) + ": v\r\n";
             return h;
         }()),
         431, {}, std::nullopt},
        {"GET with a body", "GET /style.css HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody", 200,
         {{"connection", "close"}}, style_css},
        {"HTTP/1.0", "GET /style.css HTTP/1.0\r\n\r\n", 200, {{"connection", "close"}}, style_css},
        {"not modified since", get("/style.css", "If-Modified-Since: Thu, 01 Jan 2026 00:00:00 GMT\r\n"), 304,
         {{"last-modified", "Thu, 01 Jan 2026 00:00:00 GMT"}, {"content-length", ""}}, ""},
        {"not modified since, later", get("/style.css", "If-Modified-Since: Sat, 03 Jan 2026 10:00:00 GMT\r\n"), 304,
         {}, ""},
        {"not modified since, RFC 850", get("/style.css", "If-Modified-Since: Thursday, 01-Jan-26 00:00:00 GMT\r\n"),
         304, {}, ""},
        {"not modified since, asctime", get("/style.css", "If-Modified-Since: Thu Jan  1 00:00:00 2026\r\n"), 304, {},
         ""},
        {"modified since", get("/style.css", "If-Modified-Since: Wed, 31 Dec 2025 23:59:59 GMT\r\n"), 200, {},
         style_css},
        {"bad if-modified-since", get("/style.css", "If-Modified-Since: yesterday\r\n"), 200, {}, style_css},
        {"range", get("/files/digits.txt", "Range: bytes=10-19\r\n"), 206,
         {{"content-range", "bytes 10-19/10000"}, {"content-length", "10"}}, digits.substr(10, 10)},
        {"range to the end", get("/files/digits.txt", "Range: bytes=9995-\r\n"), 206,
         {{"content-range", "bytes 9995-9999/10000"}}, digits.substr(9995)},
        {"suffix range", get("/files/digits.txt", "Range: bytes=-3\r\n"), 206, {{"content-range", "bytes 9997-9999/10000"}},
         digits.substr(9997)},
        {"range past the end, cut", get("/files/digits.txt", "Range: bytes=9990-20000\r\n"), 206,
         {{"content-range", "bytes 9990-9999/10000"}}, digits.substr(9990)},
        {"whole range over chunks", get("/files/digits.txt", "Range: bytes=1-9998\r\n"), 206, {},
         digits.substr(1, 9998)},
        {"unsatisfiable range", get("/files/digits.txt", "Range: bytes=10000-\r\n"), 416,
         {{"content-range", "bytes */10000"}}, std::nullopt},
        {"empty suffix range", get("/files/digits.txt", "Range: bytes=-0\r\n"), 416, {}, std::nullopt},
        {"several ranges", get("/files/digits.txt", "Range: bytes=0-1,5-6\r\n"), 200, {{"content-range", ""}}, digits},
        {"malformed range", get("/files/digits.txt", "Range: bytes=zz\r\n"), 200, {}, digits},
        {"reversed range", get("/files/digits.txt", "Range: bytes=5-1\r\n"), 200, {}, digits},
        {"other unit", get("/files/digits.txt", "Range: items=0-1\r\n"), 200, {}, digits},
        {"generated", get("/_status"), 200, {{"content-type", "application/json"}, {"cache-control", "no-store"}},
         R"({"ok":true})"},
    };
}

class Table : public Serve, public testing::WithParamInterface<std::size_t> {};

TEST_P(Table, Response) {
    const Case c = table()[GetParam()];
    SCOPED_TRACE(c.name);
    for (std::size_t piece : {std::size_t{1} << 20, std::size_t{1}, std::size_t{7}}) {
        SCOPED_TRACE("pieces of " + std::to_string(piece));
        const std::string output = serve(c.request, piece);
        std::string error;
        auto responses = read_responses(output, {c.head_only}, &error);
        ASSERT_EQ(error, "") << output;
        ASSERT_EQ(responses.size(), 1u) << output;
        const Response &r = responses[0];
        EXPECT_EQ(r.status, c.status) << r.status_line;
        for (const auto &[name, value] : c.headers) {
            if (value.empty()) {
                EXPECT_FALSE(r.headers.contains(name)) << name;
            } else {
                EXPECT_EQ(r.header(name), value) << name;
            }
        }
        if (c.body) {
            EXPECT_EQ(r.body, *c.body);
        }
        if (!c.head_only && r.status != 304) {
            EXPECT_EQ(r.header("content-length"), std::to_string(r.body.size()));
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Requests, Table, testing::Range<std::size_t>(0, table().size()),
                         [](const testing::TestParamInfo<std::size_t> &info) {
                             std::string name = table()[info.param].name;
                             for (char &ch : name)
                                 if (!std::isalnum(static_cast<unsigned char>(ch)))
                                     ch = '_';
                             return name;
                         });

TEST_F(Serve, KeepAliveServesManyRequestsOnOneConnection) {
    std::string input;
    for (int i = 0; i < 100; ++i)
        input += "GET /style.css HTTP/1.1\r\nHost: t\r\n\r\n";
    const auto responses = read_responses(serve(input, 64), {});
    ASSERT_EQ(responses.size(), 100u);
    for (const Response &r : responses) {
        EXPECT_EQ(r.status, 200);
        EXPECT_EQ(r.body, style_css);
        EXPECT_FALSE(r.headers.contains("connection"));
    }
    EXPECT_EQ(stats.connections, 1u);
    EXPECT_EQ(stats.requests, 100u);
    EXPECT_EQ(stats.status_2xx, 100u);
    EXPECT_EQ(stats.closed_by_peer, 1u); // the client's close after the last
}

TEST_F(Serve, PipelinedRequestsAreAnsweredInOrder) {
    const std::string input = "GET /style.css HTTP/1.1\r\n\r\nHEAD / HTTP/1.1\r\n\r\nGET /nothing HTTP/1.1\r\n\r\n"
                              "GET /docs HTTP/1.1\r\n\r\nGET /logo.svg HTTP/1.1\r\nConnection: close\r\n\r\n"
                              "GET /style.css HTTP/1.1\r\n\r\n"; // after the close: not answered
    for (std::size_t piece : {std::size_t{1} << 20, std::size_t{1}, std::size_t{13}}) {
        const auto responses = read_responses(serve(input, piece), {false, true, false, false, false});
        ASSERT_EQ(responses.size(), 5u);
        EXPECT_EQ(responses[0].body, style_css);
        EXPECT_EQ(responses[1].status, 200);
        EXPECT_EQ(responses[1].body, "");
        EXPECT_EQ(responses[2].status, 404);
        EXPECT_EQ(responses[3].status, 301);
        EXPECT_EQ(responses[4].body, "<svg/>");
        EXPECT_EQ(responses[4].header("connection"), "close");
    }
}

TEST_F(Serve, Http10KeepsAliveOnlyWhenAsked) {
    const auto responses = read_responses(
        serve("GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /logo.svg HTTP/1.0\r\n\r\n"
              "GET /style.css HTTP/1.0\r\n\r\n"),
        {});
    ASSERT_EQ(responses.size(), 2u);
    EXPECT_FALSE(responses[0].headers.contains("connection"));
    EXPECT_EQ(responses[1].header("connection"), "close");
}

TEST_F(Serve, ConnectionTokensAreCaseInsensitiveLists) {
    const auto responses = read_responses(
        serve("GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\nGET / HTTP/1.1\r\n\r\n"), {});
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(responses[0].header("connection"), "close");
}

TEST_F(Serve, AnErrorClosesTheConnection) {
    const auto responses = read_responses(serve("GET /%zz HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"), {});
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(responses[0].status, 400);
    EXPECT_EQ(stats.status_4xx, 1u);
}

TEST_F(Serve, MaxRequestsClosesAfterThatMany) {
    config.max_requests = 3;
    std::string input;
    for (int i = 0; i < 5; ++i)
        input += "GET /style.css HTTP/1.1\r\n\r\n";
    const auto responses = read_responses(serve(input), {});
    ASSERT_EQ(responses.size(), 3u);
    EXPECT_EQ(responses[2].header("connection"), "close");
}

TEST_F(Serve, APeerThatClosesOrFailsMidRequestGetsNothing) {
    EXPECT_EQ(serve("GET /index.ht"), "");
    EXPECT_EQ(serve("GET /index.html HTTP/1.1\r\nHost:", 3, true), "");
    EXPECT_EQ(serve(""), "");
    EXPECT_EQ(stats.closed_by_peer, 3u);
    EXPECT_EQ(stats.requests, 0u);
}

TEST_F(Serve, AWriteFailureEndsTheConnection) {
    MemoryTransport transport("GET /files/digits.txt HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    transport.fail_writes_after = 5000;
    auto task = executor.spawn(http::serve(transport, site, config, stats));
    executor.run_until_stalled();
    ASSERT_TRUE(task->done());
    EXPECT_LT(transport.output.size(), 5000u);
    EXPECT_EQ(stats.requests, 1u);
}

TEST_F(Serve, ASiteReadFailureClosesMidBody) {
    site.fail_reads = true;
    const std::string output = serve("GET /files/digits.txt HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n");
    std::string error;
    const auto responses = read_responses(output, {}, &error);
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(error, "a body shorter than its Content-Length"); // the client sees the close
}

TEST_F(Serve, IndexIsAskedOfTheSiteNotTheDirectory) {
    serve(get("/docs/"));
    ASSERT_EQ(site.opened.size(), 1u);
    EXPECT_EQ(site.opened[0], "/docs/index.html");
    serve(get("/"));
    EXPECT_EQ(site.opened.back(), "/index.html");
}

TEST_F(Serve, BusyIsA503ThatCloses) {
    MemoryTransport transport;
    auto task = executor.spawn(http::write_busy(transport, config, stats));
    executor.run_until_stalled();
    ASSERT_TRUE(task->done());
    EXPECT_TRUE(task->take());
    const auto responses = read_responses(transport.output, {});
    ASSERT_EQ(responses.size(), 1u);
    EXPECT_EQ(responses[0].status, 503);
    EXPECT_EQ(responses[0].header("retry-after"), "1");
    EXPECT_EQ(responses[0].header("connection"), "close");
    EXPECT_EQ(stats.status_5xx, 1u);
}

// FatSite over a volume made by mkfs.fat and mcopy: the document root /site, beside /tls
// that must not be reachable.
class FatSiteTest : public fat_test::Fixture {};

TEST_F(FatSiteTest, ServesTheDocumentRootOfAMkfsFatImage) {
    namespace fs = std::filesystem;
    const fs::path dir = fat_test::scratch("http-fat-site");
    const fs::path image = dir / "disk.img";
    fs::create_directories(dir / "tree/site/docs/a long directory name");
    fs::create_directories(dir / "tree/tls");
    auto write = [](const fs::path &path, const std::string &text) {
        std::FILE *f = std::fopen(path.c_str(), "wb");
        std::fwrite(text.data(), 1, text.size(), f);
        std::fclose(f);
    };
    write(dir / "tree/site/index.html", index_html);
    write(dir / "tree/site/docs/a long directory name/index.html", docs_html);
    write(dir / "tree/site/Style Sheet.css", style_css);
    write(dir / "tree/tls/key.pem", "SECRET");
    ASSERT_EQ(fat_test::shell("touch -d '2026-01-01 00:00:00 UTC' " + fat_test::quote((dir / "tree/site/index.html").string())), 0);
    fs::remove(image);
    ASSERT_EQ(fat_test::shell(std::string(FAT_TEST_MKFS) + " -C -F 16 " + fat_test::quote(image.string()) + " 32768"), 0);
    ASSERT_EQ(fat_test::shell("TZ=UTC mcopy -s -m -i " + fat_test::quote(image.string()) + " " +
                              fat_test::quote((dir / "tree/site").string()) + " " +
                              fat_test::quote((dir / "tree/tls").string()) + " ::/"),
              0);
    auto bytes = fat_test::read_host_file(image);
    sel4::block::RamBlockDevice device(bytes, 512);
    auto volume = run(fat_test::Volume::mount(device));
    ASSERT_TRUE(volume.has_value());
    sel4::http::FatSite<sel4::block::RamBlockDevice, 512> site(*volume, "/site/");
    http::Stats stats;
    const http::Config config{};

    auto serve = [&](const std::string &input) {
        MemoryTransport transport(input);
        run(http::serve(transport, site, config, stats));
        return read_responses(transport.output, {});
    };
    auto r = serve(get("/"));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].status, 200);
    EXPECT_EQ(r[0].body, index_html);
    EXPECT_EQ(r[0].header("last-modified"), "Thu, 01 Jan 2026 00:00:00 GMT");
    r = serve(get("/docs/a%20long%20directory%20name"));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].status, 301);
    EXPECT_EQ(r[0].header("location"), "/docs/a%20long%20directory%20name/");
    r = serve(get("/DOCS/A%20LONG%20DIRECTORY%20NAME/"));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].body, docs_html);
    r = serve(get("/style%20sheet.css", "Range: bytes=5-9\r\n"));
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].status, 206);
    EXPECT_EQ(r[0].body, style_css.substr(5, 5));
    for (const char *outside : {"/tls/key.pem", "/../tls/key.pem", "/%2E%2E/tls/key.pem", "/site/../tls/key.pem"}) {
        r = serve(get(outside));
        ASSERT_EQ(r.size(), 1u) << outside;
        EXPECT_TRUE(r[0].status == 404 || r[0].status == 400) << outside << ": " << r[0].status;
        EXPECT_EQ(r[0].body.find("SECRET"), std::string::npos);
    }
}

} // namespace
