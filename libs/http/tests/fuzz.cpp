// http.fuzz: mutated requests through sel4::http::serve() under AddressSanitizer and
// UndefinedBehaviorSanitizer. Each case is a connection: one to four requests from a corpus
// of valid ones (GET, HEAD, ranges, conditionals, pipelining, keep-alive), mutated (bit
// flips, byte changes, insertions of interesting bytes, deletions, truncation, duplication,
// splices of two requests), delivered in pieces of a random size. Every response must be
// well formed: it starts with "HTTP/1.1 ", has a status the server gives and a
// Content-Length its body matches (unless the site failed it mid-body, which this site
// never does). Prints the statuses seen; exit status 1 on the first bad response.
//   http-fuzz --requests N [--seed S]
#include "support.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace http_test;

const std::vector<std::string> corpus = {
    "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n",
    "HEAD /style.css HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /docs HTTP/1.1\r\nHost: x\r\nUser-Agent: fuzz/1.0\r\nAccept: */*\r\n\r\n",
    "GET /files/big.bin HTTP/1.1\r\nRange: bytes=100-20000\r\n\r\n",
    "GET /files/big.bin HTTP/1.1\r\nRange: bytes=-500\r\nIf-Modified-Since: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\n",
    "GET /style.css HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "GET /a%20b/c%2e.txt?q=1 HTTP/1.1\r\nConnection: close\r\n\r\n",
    "POST /form HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
    "GET /chunked HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "GET http://localhost:8080/docs/ HTTP/1.1\r\n\r\n",
    "GET /_status HTTP/1.1\r\n\r\n",
};
const char interesting[] = {'\0', '\r', '\n', ' ', ':', '%', '/', '.', '?', '#', '\x7f', '\xff', '\t', ','};
const std::map<int, bool> known_statuses = {{200, 1}, {206, 1}, {301, 1}, {304, 1}, {400, 1}, {404, 1}, {405, 1},
                                            {414, 1}, {416, 1}, {431, 1}, {500, 1}, {503, 1}};

std::size_t status_page(std::span<char> out) noexcept {
    const std::string_view body = "{\"fuzz\":1}";
    std::memcpy(out.data(), body.data(), body.size());
    return body.size();
}

std::string mutate(std::string s, std::mt19937_64 &random) {
    const int mutations = static_cast<int>(random() % 6);
    for (int m = 0; m < mutations && !s.empty(); ++m) {
        const std::size_t at = random() % s.size();
        switch (random() % 8) {
        case 0: s[at] = static_cast<char>(s[at] ^ (1 << (random() % 8))); break;
        case 1: s[at] = static_cast<char>(random()); break;
        case 2: s.insert(at, 1, interesting[random() % sizeof interesting]); break;
        case 3: s.erase(at, 1 + random() % 8); break;
        case 4: s.resize(at); break;
        case 5: s.insert(at, s.substr(at, random() % 64)); break;
        case 6: s.insert(at, std::string(random() % 3000, static_cast<char>('A' + random() % 26))); break;
        case 7: s.insert(at, corpus[random() % corpus.size()]); break;
        }
    }
    return s;
}

} // namespace

int main(int argc, char **argv) {
    long requests = 0;
    unsigned long long seed = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--requests") == 0)
            requests = std::strtol(argv[i + 1], nullptr, 10);
        else if (std::strcmp(argv[i], "--seed") == 0)
            seed = std::strtoull(argv[i + 1], nullptr, 10);
    }
    if (requests <= 0) {
        std::fprintf(stderr, "usage: http-fuzz --requests N [--seed S]\n");
        return 2;
    }
    std::mt19937_64 random(seed);
    async::FramePool<1024 * 1024> pool;
    async::Executor executor;
    MemorySite site;
    site.add("/index.html", "<p>index</p>");
    site.add("/style.css", "body{}");
    site.add("/docs/index.html", "<p>docs</p>");
    site.add("/files/big.bin", std::string(50000, 'x'));
    site.add("/a b/c..txt", "dots");
    http::Stats stats;
    const http::Config config{.generated = {.path = "/_status", .write = &status_page}};
    std::map<int, long> seen;
    long sent = 0, connections = 0;
    while (sent < requests) {
        MemoryTransport transport;
        const int count = 1 + static_cast<int>(random() % 4);
        for (int i = 0; i < count; ++i)
            transport.input += mutate(corpus[random() % corpus.size()], random);
        transport.piece = 1 + random() % (random() % 2 ? 16 : 4096);
        sent += count;
        ++connections;
        auto task = executor.spawn(http::serve(transport, site, config, stats));
        if (!task) {
            std::fprintf(stderr, "http-fuzz: no frame for serve()\n");
            return 1;
        }
        executor.run_until_stalled();
        if (!task->done()) {
            std::fprintf(stderr, "http-fuzz: serve() did not finish (connection %ld)\n", connections);
            return 1;
        }
        std::string error;
        // HEADs are not known once mutated: a body-less response reads as a HEAD's when the
        // rest of the output is another response or nothing; check heads strictly instead.
        std::size_t at = 0;
        while (at < transport.output.size()) {
            if (transport.output.compare(at, 9, "HTTP/1.1 ") != 0) {
                std::fprintf(stderr, "http-fuzz: connection %ld: not a response at byte %zu\n", connections, at);
                return 1;
            }
            const std::size_t end = transport.output.find("\r\n\r\n", at);
            if (end == std::string::npos) {
                std::fprintf(stderr, "http-fuzz: connection %ld: a head without its end\n", connections);
                return 1;
            }
            const int status = std::atoi(transport.output.c_str() + at + 9);
            if (!known_statuses.contains(status)) {
                std::fprintf(stderr, "http-fuzz: connection %ld: status %d\n", connections, status);
                return 1;
            }
            ++seen[status];
            const std::string head = transport.output.substr(at, end - at);
            const std::size_t cl = head.find("\r\nContent-Length: ");
            const std::size_t length = cl == std::string::npos ? 0 : std::strtoull(head.c_str() + cl + 18, nullptr, 10);
            at = end + 4;
            // A HEAD's body is absent: the next bytes are a response, or the end.
            if (length != 0 && status != 304 && at < transport.output.size() &&
                transport.output.compare(at, 9, "HTTP/1.1 ") != 0) {
                if (at + length > transport.output.size()) {
                    std::fprintf(stderr, "http-fuzz: connection %ld: a body shorter than its Content-Length\n",
                                 connections);
                    return 1;
                }
                at += length;
            }
        }
    }
    std::printf("http-fuzz: %ld requests on %ld connections (seed %llu): %llu answered; statuses:", sent, connections,
                seed, static_cast<unsigned long long>(stats.requests));
    for (const auto &[status, n] : seen)
        std::printf(" %d x%ld", status, n);
    std::printf("\n");
    return 0;
}
