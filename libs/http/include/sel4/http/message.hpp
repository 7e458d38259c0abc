/// @file
/// The pieces of sel4::http that need no transport: the request parser (over http-parser), the
/// paths, dates, ranges, MIME types and the response head. No heap, no exceptions; every
/// buffer is a fixed size the caller owns.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

struct http_parser; // http-parser's, kept out of this header

namespace sel4::http {

/// The request line and headers together may have at most this many bytes (431 past it, or
/// 414 while still in the request target).
inline constexpr std::size_t max_head_bytes = 8192;
/// The request target may have at most this many bytes (414 past it).
inline constexpr std::size_t max_target_bytes = 2048;
/// The longest path (after decoding) a Site is asked for.
inline constexpr std::size_t max_path_bytes = 1024;

/// The statuses the server gives.
enum class Status : std::uint16_t {
    ok = 200,
    partial_content = 206,
    moved_permanently = 301,
    not_modified = 304,
    bad_request = 400,
    not_found = 404,
    method_not_allowed = 405,
    uri_too_long = 414,
    range_not_satisfiable = 416,
    header_fields_too_large = 431,
    internal_server_error = 500,
    service_unavailable = 503,
};
/// The reason phrase of `status` ("OK", "Not Found", ...).
std::string_view reason(Status status) noexcept;

/// The methods a request can have, as far as the server cares.
enum class Method : std::uint8_t { get, head, other };

/// A parsed request: views into the connection's head buffer, valid until the next request.
struct Request {
    Method method = Method::other;      ///< GET, HEAD or another.
    std::string_view target;            ///< The request target as sent.
    std::string_view path;              ///< Its path, still percent-encoded (no query).
    std::string_view if_modified_since; ///< The header's value, or empty.
    std::string_view range;             ///< The header's value, or empty.
    bool keep_alive = false;            ///< HTTP/1.1 without `Connection: close`, or 1.0 with keep-alive.
    bool has_body = false;              ///< A Content-Length above 0 or chunked: the server does not read bodies.
};

/// The request parser of one connection: http-parser, fed the bytes of a head buffer.
class RequestParser {
public:
    /// What feed() found.
    enum class Outcome : std::uint8_t {
        need_more, ///< Not a whole request yet: read more (into the same buffer, after what was fed).
        complete,  ///< A request: request(), then consumed() bytes of the buffer are its.
        error,     ///< Not a request: answer error_status() and close.
    };

    RequestParser() noexcept;
    ~RequestParser();
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    /// Starts the next request, whose bytes begin at `buffer`'s start.
    void reset(std::span<const std::byte> buffer) noexcept;
    /// Parses the bytes of the buffer (given to reset) up to `filled`: those after the last
    /// feed(). The buffer must not move between reset() and complete.
    Outcome feed(std::size_t filled) noexcept;
    /// The request, after complete.
    const Request &request() const noexcept { return request_; }
    /// The bytes of the buffer the request took (the rest is the next request's), after complete.
    std::size_t consumed() const noexcept { return parsed_; }
    /// The status of an error (400, 414, 431).
    Status error_status() const noexcept { return error_status_; }

private:
    struct Span {
        std::size_t offset = 0, length = 0;
    };
    enum class Header : std::uint8_t { other, if_modified_since, range };
    static int on_url(::http_parser *, const char *, std::size_t);
    static int on_header_field(::http_parser *, const char *, std::size_t);
    static int on_header_value(::http_parser *, const char *, std::size_t);
    static int on_headers_complete(::http_parser *);
    static int on_message_complete(::http_parser *);
    void commit_value() noexcept;
    void extend(Span &span, const char *at, std::size_t length) noexcept;
    std::string_view view(Span span) const noexcept;

    alignas(8) std::array<std::byte, 64> parser_storage_{}; // http-parser's struct http_parser (32 bytes)
    const char *base_ = nullptr;
    std::size_t parsed_ = 0;
    Span url_, field_, value_, if_modified_since_, range_;
    Header header_ = Header::other;
    bool in_value_ = false;
    bool complete_ = false;
    Status error_status_ = Status::bad_request;
    Request request_;
};

/// The decoded, normalised form of a request path: percent-decoding, empty and "." segments
/// dropped. Fails (400) on a malformed escape, a NUL or control byte, a backslash, a ".."
/// segment or more than max_path_bytes bytes.
struct Path {
    std::array<char, max_path_bytes> bytes{}; ///< The path's bytes (the first `length`).
    std::size_t length = 0;                   ///< How many of `bytes` it has.
    bool trailing_slash = false; ///< The path ended with '/' (or was empty or "/").
    /// "/a/b" (always starting with '/'; "/" for the root).
    std::string_view view() const noexcept { return {bytes.data(), length}; }
};
/// `path` (still percent-encoded) decoded and normalised, or nothing when it is malformed.
std::optional<Path> normalise(std::string_view path) noexcept;

/// Whether `a` and `b` are the same but for the case of ASCII letters.
bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept;

/// The MIME type of a file, by its name's extension ("text/html; charset=utf-8", ...;
/// "application/octet-stream" when unknown).
std::string_view mime_type(std::string_view path) noexcept;

/// Seconds since 1970 as an IMF-fixdate ("Thu, 01 Jan 2026 00:00:00 GMT", 29 characters).
std::array<char, 29> http_date(std::int64_t unix_seconds) noexcept;
/// An HTTP date (IMF-fixdate, RFC 850 or asctime) as seconds since 1970, or nothing.
std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept;

/// A byte range of a representation: bytes [first, last].
struct ByteRange {
    std::uint64_t first = 0; ///< The first byte's offset.
    std::uint64_t last = 0;  ///< The last byte's offset (included).
    /// Same bytes.
    friend constexpr bool operator==(const ByteRange &, const ByteRange &) = default;
};
/// What a Range header asks of a representation of `size` bytes.
struct RangeRequest {
    /// The three answers.
    enum class Kind : std::uint8_t {
        whole,          ///< No usable range (absent, malformed, several ranges, or not bytes): 200.
        partial,        ///< One satisfiable range: 206 with `range`.
        unsatisfiable,  ///< One range past the end: 416.
    } kind = Kind::whole; ///< The answer.
    ByteRange range;      ///< The range, for Kind::partial.
};
/// The Range header `value` against a representation of `size` bytes.
RangeRequest parse_range(std::string_view value, std::uint64_t size) noexcept;

/// A response head built in a fixed buffer; too long a head is cut (and ok() says so).
class Head {
public:
    /// The status line of `status`.
    explicit Head(Status status) noexcept;
    /// Appends "name: value\r\n".
    Head &header(std::string_view name, std::string_view value) noexcept;
    /// Appends "name: number\r\n".
    Head &header(std::string_view name, std::uint64_t value) noexcept;
    /// Appends "Content-Range: bytes first-last/size\r\n".
    Head &content_range(ByteRange range, std::uint64_t size) noexcept;
    /// Appends "Content-Range: bytes */size\r\n".
    Head &unsatisfied_range(std::uint64_t size) noexcept;
    /// The head, ended by the empty line.
    std::span<const std::byte> finish() noexcept;
    /// Whether everything fit.
    bool ok() const noexcept { return !overflow_; }

private:
    void append(std::string_view text) noexcept;
    void append(std::uint64_t value) noexcept;
    std::array<char, 3072> bytes_{}; // room for a Location of max_target_bytes
    std::size_t length_ = 0;
    bool overflow_ = false;
};

} // namespace sel4::http
