/// @file
/// sel4::http: an HTTP/1.1 server for static files, one coroutine a connection, over any
/// transport and any site.
///
/// ```cpp
/// sel4::http::Stats stats;
/// const sel4::http::Config config{.now = &unix_time};
/// co_await sel4::http::serve(connection, site, config, stats);   // until the connection ends
/// ```
///
/// A Transport (a TCP stream, a TLS session over one) has `co_await t.read(span<byte>)`,
/// giving a std::expected-like result of the bytes read (0: the peer closed its side), and
/// `co_await t.write_all(span<const byte>)`, giving one that is true when every byte went.
/// Any failure (an idle timeout the transport enforces among them) ends the connection.
///
/// A Site (FatSite: sel4/http/fat_site.hpp) has a `File` type, `co_await site.open(path)`
/// giving a Found<File> for a normalised path ("/", "/docs/net", ...), and `co_await
/// site.read(file, offset, span<byte>)` giving a std::expected-like count of bytes.
///
/// What serve() does: GET and HEAD (405 with `Allow` for the rest); keep-alive as HTTP/1.1
/// and 1.0 define it (`Connection: close`, `Connection: keep-alive`); pipelined requests;
/// `index.html` for a path ending in '/'; 301 to `path/` for a directory without the slash;
/// 404; 400 for what http-parser refuses or a bad path (escapes, "..", control bytes), 414
/// for a request target longer than max_target_bytes, 431 for a head longer than
/// max_head_bytes (each then closes); MIME types by extension; `Content-Length` always;
/// `Last-Modified` and `If-Modified-Since` (304); one byte range (206, 416; several ranges
/// get the whole file); a request with a body is answered and the connection closed (its body
/// is not read). Its memory is its coroutine frame: the head buffer (max_head_bytes) and the
/// body chunk (chunk_bytes), no heap.
#pragma once

#include <sel4/async/task.hpp>
#include <sel4/http/message.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

namespace sel4::http {

/// The bytes of a file body sent at a time.
inline constexpr std::size_t chunk_bytes = 8192;

/// What a Site found at a path.
enum class Kind : std::uint8_t {
    file,      ///< A file: `file`, `size` and maybe `modified` are set.
    directory, ///< A directory.
    missing,   ///< Nothing there (404).
    failed,    ///< The site could not tell (an I/O error: 500).
};

/// A Site's answer to open().
template <class File> struct Found {
    Kind kind = Kind::missing;             ///< What is there.
    std::optional<File> file;              ///< For Kind::file.
    std::uint64_t size = 0;                ///< For Kind::file.
    std::optional<std::int64_t> modified;  ///< Seconds since 1970, when the site knows.

    /// What was found, when it is no file (directory, missing, failed).
    static Found of(Kind kind) noexcept {
        Found found;
        found.kind = kind;
        return found;
    }
    /// A file of `size` bytes, last modified at `modified` (if known).
    static Found of_file(File file, std::uint64_t size, std::optional<std::int64_t> modified) noexcept {
        Found found;
        found.kind = Kind::file;
        found.file.emplace(std::move(file));
        found.size = size;
        found.modified = modified;
        return found;
    }
};

/// A response the server makes itself instead of asking the Site: for one path (a status
/// page, for example), `write(buffer)` fills `buffer` with the body and gives its size.
struct Generated {
    std::string_view path;                                        ///< The path it answers ("/_status").
    std::string_view type = "application/json";                   ///< Its Content-Type.
    std::size_t (*write)(std::span<char> buffer) noexcept = nullptr; ///< The body (at most chunk_bytes).
};

/// How a server answers.
struct Config {
    std::string_view server = "cpp-sel4";           ///< The Server header.
    std::int64_t (*now)() noexcept = nullptr;       ///< Seconds since 1970 for the Date header (none if null).
    Generated generated{};                          ///< A generated response (none if its write is null).
    std::uint32_t max_requests = 0;                 ///< Per connection, then Connection: close (0: no limit).
};

/// What the connections served: counters the PD logs or shows.
struct Stats {
    std::uint64_t connections = 0; ///< serve() calls.
    std::uint64_t requests = 0;    ///< Requests answered (errors included).
    std::uint64_t status_2xx = 0;  ///< Responses 200..299.
    std::uint64_t status_3xx = 0;  ///< Responses 300..399.
    std::uint64_t status_4xx = 0;  ///< Responses 400..499.
    std::uint64_t status_5xx = 0;  ///< Responses 500..599.
    std::uint64_t bytes_sent = 0; ///< Heads and bodies.
    std::uint64_t closed_by_peer = 0; ///< Connections the client closed (or broke) between or in requests.
};

namespace detail {

inline void count(Stats &stats, Status status) noexcept {
    const auto code = static_cast<unsigned>(status);
    ++stats.requests;
    (code < 300 ? stats.status_2xx : code < 400 ? stats.status_3xx : code < 500 ? stats.status_4xx : stats.status_5xx)++;
}

// The small HTML body of an error response.
struct ErrorBody {
    std::array<char, 96> bytes{};
    std::size_t length = 0;
    explicit ErrorBody(Status status) noexcept {
        auto put = [&](std::string_view s) {
            const std::size_t n = std::min(s.size(), bytes.size() - length);
            std::memcpy(bytes.data() + length, s.data(), n);
            length += n;
        };
        const unsigned code = static_cast<unsigned>(status);
        const char digits[3] = {static_cast<char>('0' + code / 100), static_cast<char>('0' + code / 10 % 10),
                                static_cast<char>('0' + code % 10)};
        put("<!DOCTYPE html><title>");
        put(std::string_view(digits, 3));
        put("</title><h1>");
        put(std::string_view(digits, 3));
        put(" ");
        put(reason(status));
        put("</h1>\n");
    }
    std::span<const std::byte> span() const noexcept { return std::as_bytes(std::span(bytes.data(), length)); }
};

// The headers every response has.
inline Head &common(Head &head, const Config &config, bool keep_alive) noexcept {
    head.header("Server", config.server);
    if (config.now != nullptr) {
        const auto date = http_date(config.now());
        head.header("Date", std::string_view(date.data(), date.size()));
    }
    if (!keep_alive)
        head.header("Connection", "close");
    return head;
}

template <class Transport>
async::Task<bool> send(Transport &transport, std::span<const std::byte> bytes, Stats &stats) {
    auto written = co_await transport.write_all(bytes);
    if (!written)
        co_return false;
    stats.bytes_sent += bytes.size();
    co_return true;
}

// The file a normalised path names: itself, or for a path ending in '/' its index.html;
// nothing when that is too long.
inline std::optional<Path> file_of(const Path &path) noexcept {
    if (!path.trailing_slash)
        return path;
    constexpr std::string_view index = "/index.html";
    Path file = path;
    const std::size_t at = path.length == 1 ? 0 : path.length;
    if (at + index.size() > file.bytes.size())
        return std::nullopt;
    std::memcpy(file.bytes.data() + at, index.data(), index.size());
    file.length = at + index.size();
    return file;
}

// An error (or 3xx) response with a small HTML body.
template <class Transport>
async::Task<bool> send_error(Transport &transport, Status status, bool head_only, bool keep_alive, const Config &config,
                             Stats &stats, std::string_view location = {}) {
    const ErrorBody body(status);
    Head head(status);
    common(head, config, keep_alive);
    if (status == Status::method_not_allowed)
        head.header("Allow", "GET, HEAD");
    if (!location.empty())
        head.header("Location", location);
    head.header("Content-Type", "text/html; charset=utf-8").header("Content-Length", body.length);
    count(stats, status);
    // (No `head_only || co_await ...`: GCC 12 evaluates a co_await in a || or && regardless.)
    if (!co_await send(transport, head.finish(), stats))
        co_return false;
    if (head_only)
        co_return true;
    co_return co_await send(transport, body.span(), stats);
}

} // namespace detail

/// The response to a GET or HEAD of a file that `found` describes (200, 206, 304 or 416), and
/// for GET its bytes from `site`, a chunk at a time; whether every byte went.
template <class Transport, class Site, class File>
async::Task<bool> send_file(Transport &transport, Site &site, File &file, const Found<File> &found, std::string_view path,
                            const Request &request, bool head_only, bool keep_alive, const Config &config, Stats &stats,
                            std::span<std::byte> chunk) {
    const std::uint64_t size = found.size;
    std::optional<std::array<char, 29>> modified;
    if (found.modified)
        modified = http_date(*found.modified);
    if (found.modified && !request.if_modified_since.empty()) {
        if (auto since = parse_http_date(request.if_modified_since); since && *found.modified <= *since) {
            Head head(Status::not_modified);
            detail::common(head, config, keep_alive).header("Last-Modified", std::string_view(modified->data(), 29));
            detail::count(stats, Status::not_modified);
            co_return co_await detail::send(transport, head.finish(), stats);
        }
    }
    const RangeRequest range =
        request.range.empty() ? RangeRequest{} : parse_range(request.range, size);
    if (range.kind == RangeRequest::Kind::unsatisfiable) {
        const detail::ErrorBody body(Status::range_not_satisfiable);
        Head head(Status::range_not_satisfiable);
        detail::common(head, config, keep_alive)
            .unsatisfied_range(size)
            .header("Content-Type", "text/html; charset=utf-8")
            .header("Content-Length", body.length);
        detail::count(stats, Status::range_not_satisfiable);
        if (!co_await detail::send(transport, head.finish(), stats))
            co_return false;
        if (head_only)
            co_return true;
        co_return co_await detail::send(transport, body.span(), stats);
    }
    const bool partial = range.kind == RangeRequest::Kind::partial;
    const std::uint64_t first = partial ? range.range.first : 0;
    const std::uint64_t length = partial ? range.range.last - range.range.first + 1 : size;
    Head head(partial ? Status::partial_content : Status::ok);
    detail::common(head, config, keep_alive).header("Content-Type", mime_type(path)).header("Accept-Ranges", "bytes");
    if (modified)
        head.header("Last-Modified", std::string_view(modified->data(), 29));
    if (partial)
        head.content_range(range.range, size);
    head.header("Content-Length", length);
    detail::count(stats, partial ? Status::partial_content : Status::ok);
    if (!co_await detail::send(transport, head.finish(), stats))
        co_return false;
    if (head_only)
        co_return true;
    for (std::uint64_t done = 0; done < length;) {
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), length - done));
        auto got = co_await site.read(file, first + done, chunk.first(want));
        if (!got || *got == 0)
            co_return false; // the head promised bytes the site cannot give: close
        if (!co_await detail::send(transport, chunk.first(*got), stats))
            co_return false;
        done += *got;
    }
    co_return true;
}

/// Serves one connection until it ends: the client closes it, the transport fails, a request
/// must close it (an error, `Connection: close`, HTTP/1.0) or Config::max_requests are done.
template <class Transport, class Site>
async::Task<void> serve(Transport &transport, Site &site, const Config &config, Stats &stats) {
    ++stats.connections;
    std::array<std::byte, max_head_bytes> buffer;
    std::array<std::byte, chunk_bytes> chunk;
    RequestParser parser;
    std::size_t filled = 0;
    std::uint32_t served = 0;
    for (;;) {
        parser.reset(std::span(buffer).first(max_head_bytes));
        auto outcome = parser.feed(filled);
        while (outcome == RequestParser::Outcome::need_more) {
            auto got = co_await transport.read(std::span(buffer).subspan(filled));
            if (!got || *got == 0) {
                ++stats.closed_by_peer;
                co_return;
            }
            filled += *got;
            outcome = parser.feed(filled);
        }
        if (outcome == RequestParser::Outcome::error) {
            co_await detail::send_error(transport, parser.error_status(), false, false, config, stats);
            co_return;
        }
        const Request &request = parser.request();
        ++served;
        const bool head_only = request.method == Method::head;
        const bool keep_alive = request.keep_alive && !request.has_body &&
                                (config.max_requests == 0 || served < config.max_requests);
        bool sent = false;
        if (request.method == Method::other) {
            sent = co_await detail::send_error(transport, Status::method_not_allowed, false, keep_alive, config, stats);
        } else if (auto path = normalise(request.path); !path) {
            co_await detail::send_error(transport, Status::bad_request, head_only, false, config, stats);
            co_return;
        } else if (config.generated.write != nullptr && path->view() == config.generated.path) {
            const std::size_t size = config.generated.write(std::span(reinterpret_cast<char *>(chunk.data()), chunk.size()));
            Head head(Status::ok);
            detail::common(head, config, keep_alive)
                .header("Content-Type", config.generated.type)
                .header("Cache-Control", "no-store")
                .header("Content-Length", size);
            detail::count(stats, Status::ok);
            sent = co_await detail::send(transport, head.finish(), stats);
            if (sent && !head_only)
                sent = co_await detail::send(transport, std::span(chunk).first(size), stats);
        } else if (auto target = detail::file_of(*path); !target) {
            sent = co_await detail::send_error(transport, Status::not_found, head_only, keep_alive, config, stats);
        } else {
            auto found = co_await site.open(target->view());
            if (found.kind == Kind::directory && !path->trailing_slash) {
                // Location: the path as the client sent it, with the slash.
                std::array<char, max_target_bytes + 2> location{};
                const std::size_t n = std::min(request.path.size(), max_target_bytes);
                std::memcpy(location.data(), request.path.data(), n);
                location[n] = '/';
                sent = co_await detail::send_error(transport, Status::moved_permanently, head_only, keep_alive, config,
                                                   stats, std::string_view(location.data(), n + 1));
            } else if (found.kind == Kind::failed) {
                sent = co_await detail::send_error(transport, Status::internal_server_error, head_only, false, config,
                                                   stats);
            } else if (found.kind != Kind::file) {
                sent = co_await detail::send_error(transport, Status::not_found, head_only, keep_alive, config, stats);
            } else {
                sent = co_await send_file(transport, site, *found.file, found, target->view(), request, head_only,
                                          keep_alive, config, stats, chunk);
            }
        }
        if (!sent || !keep_alive)
            co_return;
        // The bytes after this request are the next one's (pipelining).
        const std::size_t used = parser.consumed();
        std::memmove(buffer.data(), buffer.data() + used, filled - used);
        filled -= used;
    }
}

/// The 503 a server sends instead of serving a connection when it has too many
/// (`Retry-After: 1`, `Connection: close`); whether it went.
template <class Transport> async::Task<bool> write_busy(Transport &transport, const Config &config, Stats &stats) {
    const detail::ErrorBody body(Status::service_unavailable);
    Head head(Status::service_unavailable);
    detail::common(head, config, false)
        .header("Retry-After", "1")
        .header("Content-Type", "text/html; charset=utf-8")
        .header("Content-Length", body.length);
    detail::count(stats, Status::service_unavailable);
    if (!co_await detail::send(transport, head.finish(), stats))
        co_return false;
    co_return co_await detail::send(transport, body.span(), stats);
}

} // namespace sel4::http
