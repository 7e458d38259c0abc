// RequestParser: http-parser (Debian's 2.9.4) over a connection's head buffer. The callbacks
// record where the target and the headers the server cares about lie in the buffer (a piece
// split over two feeds is two callbacks on adjacent bytes: the span grows); a whole request
// pauses the parser, so that pipelined requests stay in the buffer for the next one.
#include <sel4/http/message.hpp>

#include <http_parser.h>

#include <climits>
#include <new>

namespace sel4::http {

namespace {

::http_parser &parser_of(std::array<std::byte, 64> &storage) noexcept {
    return *std::launder(reinterpret_cast<::http_parser *>(storage.data()));
}

} // namespace

static_assert(sizeof(::http_parser) <= 64 && alignof(::http_parser) <= 8, "http_parser does not fit its storage");

RequestParser::RequestParser() noexcept {
    new (parser_storage_.data())::http_parser{};
}

RequestParser::~RequestParser() {
    parser_of(parser_storage_).~http_parser();
}

void RequestParser::reset(std::span<const std::byte> buffer) noexcept {
    ::http_parser &parser = parser_of(parser_storage_);
    ::http_parser_init(&parser, HTTP_REQUEST);
    parser.data = this;
    base_ = reinterpret_cast<const char *>(buffer.data());
    parsed_ = 0;
    url_ = field_ = value_ = if_modified_since_ = range_ = Span{};
    header_ = Header::other;
    in_value_ = complete_ = false;
    error_status_ = Status::bad_request;
    request_ = Request{};
}

void RequestParser::extend(Span &span, const char *at, std::size_t length) noexcept {
    const auto offset = static_cast<std::size_t>(at - base_);
    if (span.length == 0)
        span.offset = offset;
    span.length = offset + length - span.offset;
}

std::string_view RequestParser::view(Span span) const noexcept { return {base_ + span.offset, span.length}; }

int RequestParser::on_url(::http_parser *parser, const char *at, std::size_t length) {
    auto &self = *static_cast<RequestParser *>(parser->data);
    self.extend(self.url_, at, length);
    if (self.url_.length > max_target_bytes) {
        self.error_status_ = Status::uri_too_long;
        return 1;
    }
    return 0;
}

void RequestParser::commit_value() noexcept {
    if (!in_value_)
        return;
    // The last header's value is whole.
    if (header_ == Header::if_modified_since)
        if_modified_since_ = value_;
    else if (header_ == Header::range)
        range_ = value_;
    field_ = value_ = Span{};
    in_value_ = false;
}

int RequestParser::on_header_field(::http_parser *parser, const char *at, std::size_t length) {
    auto &self = *static_cast<RequestParser *>(parser->data);
    self.commit_value();
    self.extend(self.field_, at, length);
    return 0;
}

int RequestParser::on_header_value(::http_parser *parser, const char *at, std::size_t length) {
    auto &self = *static_cast<RequestParser *>(parser->data);
    if (!self.in_value_) {
        const std::string_view name = self.view(self.field_);
        self.header_ = equal_ignoring_case(name, "if-modified-since") ? Header::if_modified_since
                       : equal_ignoring_case(name, "range")           ? Header::range
                                                                      : Header::other;
        self.in_value_ = true;
    }
    self.extend(self.value_, at, length);
    return 0;
}

int RequestParser::on_headers_complete(::http_parser *parser) {
    auto &self = *static_cast<RequestParser *>(parser->data);
    self.commit_value();
    if (parser->http_major != 1) // HTTP/0.9 ("GET /" alone), or a version that is not 1.x
        return -1;
    Request &r = self.request_;
    r.method = parser->method == HTTP_GET ? Method::get : parser->method == HTTP_HEAD ? Method::head : Method::other;
    r.target = self.view(self.url_);
    r.if_modified_since = self.view(self.if_modified_since_);
    r.range = self.view(self.range_);
    r.keep_alive = ::http_should_keep_alive(parser) != 0;
    r.has_body = (parser->flags & F_CHUNKED) != 0 ||
                 (parser->content_length != 0 && parser->content_length != ULLONG_MAX);
    ::http_parser_url url;
    ::http_parser_url_init(&url);
    if (::http_parser_parse_url(r.target.data(), r.target.size(), 0, &url) != 0 || !(url.field_set & (1 << UF_PATH))) {
        // "*" (OPTIONS) and the like: no path; the method decides (405).
        if (r.method != Method::other)
            return -1; // an error (HPE_CB_headers_complete): 400
        r.path = {};
    } else {
        r.path = r.target.substr(url.field_data[UF_PATH].off, url.field_data[UF_PATH].len);
    }
    if (r.has_body) { // not read: the response closes the connection
        self.complete_ = true;
        ::http_parser_pause(parser, 1);
    }
    return 0;
}

int RequestParser::on_message_complete(::http_parser *parser) {
    auto &self = *static_cast<RequestParser *>(parser->data);
    self.complete_ = true;
    ::http_parser_pause(parser, 1);
    return 0;
}

RequestParser::Outcome RequestParser::feed(std::size_t filled) noexcept {
    static const ::http_parser_settings callbacks = [] {
        ::http_parser_settings s{};
        s.on_url = &on_url;
        s.on_header_field = &on_header_field;
        s.on_header_value = &on_header_value;
        s.on_headers_complete = &on_headers_complete;
        s.on_message_complete = &on_message_complete;
        return s;
    }();
    ::http_parser &parser = parser_of(parser_storage_);
    if (filled > parsed_) {
        const std::size_t n = ::http_parser_execute(&parser, &callbacks, base_ + parsed_, filled - parsed_);
        parsed_ += n;
        const auto error = HTTP_PARSER_ERRNO(&parser);
        if (complete_)
            return Outcome::complete;
        if (error != HPE_OK) {
            if (error == HPE_HEADER_OVERFLOW)
                error_status_ = Status::header_fields_too_large;
            return Outcome::error; // error_status_ as the callbacks set it, else 400
        }
    }
    if (parsed_ >= max_head_bytes) { // a target that long was a 414 already (on_url)
        error_status_ = Status::header_fields_too_large;
        return Outcome::error;
    }
    return Outcome::need_more;
}

} // namespace sel4::http
