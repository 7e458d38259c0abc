// Paths, MIME types, HTTP dates, byte ranges and response heads (see sel4/http/message.hpp).
#include <sel4/http/message.hpp>

#include <algorithm>

namespace sel4::http {

namespace {

constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

constexpr std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// A decimal number of at most 19 digits (no overflow), all of `s`.
constexpr std::optional<std::uint64_t> decimal(std::string_view s) noexcept {
    if (s.empty() || s.size() > 19)
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

constexpr std::string_view day_names[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"}; // 1970-01-01 a Thursday
constexpr std::string_view month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's
// algorithms, days_from_civil and civil_from_days).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
struct Civil {
    std::int64_t year;
    unsigned month, day;
};
constexpr Civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

// A number's decimal digits.
class Decimal {
public:
    explicit Decimal(std::uint64_t value) noexcept {
        do {
            digits_[--start_] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
    }
    std::string_view view() const noexcept { return {digits_ + start_, sizeof digits_ - start_}; }

private:
    char digits_[20];
    std::size_t start_ = sizeof digits_;
};

std::optional<unsigned> month_of(std::string_view name) noexcept {
    for (unsigned i = 0; i < 12; ++i)
        if (name == month_names[i])
            return i + 1;
    return std::nullopt;
}

// "HH:MM:SS" as seconds into the day.
std::optional<std::int64_t> time_of_day(std::string_view s) noexcept {
    if (s.size() != 8 || s[2] != ':' || s[5] != ':')
        return std::nullopt;
    auto h = decimal(s.substr(0, 2)), m = decimal(s.substr(3, 2)), sec = decimal(s.substr(6, 2));
    if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 60)
        return std::nullopt;
    return static_cast<std::int64_t>(*h * 3600 + *m * 60 + *sec);
}

std::optional<std::int64_t> date_of(std::uint64_t year, std::optional<unsigned> month, std::uint64_t day,
                                    std::optional<std::int64_t> seconds) noexcept {
    if (!month || !seconds || day < 1 || day > 31 || year < 1970 || year > 9999)
        return std::nullopt;
    return days_from_civil(static_cast<std::int64_t>(year), *month, static_cast<unsigned>(day)) * 86400 + *seconds;
}

} // namespace

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

std::string_view reason(Status status) noexcept {
    switch (status) {
    case Status::ok: return "OK";
    case Status::partial_content: return "Partial Content";
    case Status::moved_permanently: return "Moved Permanently";
    case Status::not_modified: return "Not Modified";
    case Status::bad_request: return "Bad Request";
    case Status::not_found: return "Not Found";
    case Status::method_not_allowed: return "Method Not Allowed";
    case Status::uri_too_long: return "URI Too Long";
    case Status::range_not_satisfiable: return "Range Not Satisfiable";
    case Status::header_fields_too_large: return "Request Header Fields Too Large";
    case Status::internal_server_error: return "Internal Server Error";
    case Status::service_unavailable: return "Service Unavailable";
    }
    return "Unknown";
}

std::optional<Path> normalise(std::string_view path) noexcept {
    Path out;
    out.bytes[0] = '/';
    out.length = 1;
    std::size_t segment_start = 1; // where the current segment starts in out
    auto end_segment = [&]() -> bool {
        const std::string_view segment(out.bytes.data() + segment_start, out.length - segment_start);
        if (segment == "..")
            return false;
        if (segment.empty() || segment == ".") {
            out.length = segment_start; // dropped
        } else {
            if (out.length == out.bytes.size())
                return false;
            out.bytes[out.length++] = '/';
            segment_start = out.length;
        }
        return true;
    };
    bool slash_last = true;
    for (std::size_t i = 0; i < path.size(); ++i) {
        char c = path[i];
        if (c == '%') {
            if (i + 2 >= path.size())
                return std::nullopt;
            const int hi = hex_value(path[i + 1]), lo = hex_value(path[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\')
            return std::nullopt;
        if (c == '/') {
            if (!end_segment())
                return std::nullopt;
            slash_last = true;
            continue;
        }
        if (out.length == out.bytes.size())
            return std::nullopt;
        out.bytes[out.length++] = c;
        slash_last = false;
    }
    if (!end_segment())
        return std::nullopt;
    if (out.length > 1)
        --out.length; // the '/' end_segment() put after the last segment
    out.trailing_slash = slash_last || out.length == 1;
    return out;
}

std::string_view mime_type(std::string_view path) noexcept {
    struct Type {
        std::string_view extension, type;
    };
    static constexpr Type types[] = {
        {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},   {"js", "text/javascript; charset=utf-8"},
        {"txt", "text/plain; charset=utf-8"}, {"md", "text/markdown; charset=utf-8"},
        {"json", "application/json"},         {"xml", "application/xml"},
        {"svg", "image/svg+xml"},             {"png", "image/png"},
        {"jpg", "image/jpeg"},                {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},                 {"ico", "image/x-icon"},
        {"webp", "image/webp"},               {"wasm", "application/wasm"},
        {"pdf", "application/pdf"},           {"woff2", "font/woff2"},
    };
    const std::size_t slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const std::size_t dot = name.rfind('.');
    if (dot != std::string_view::npos && dot + 1 < name.size()) {
        const std::string_view extension = name.substr(dot + 1);
        for (const Type &t : types)
            if (equal_ignoring_case(extension, t.extension))
                return t.type;
    }
    return "application/octet-stream";
}

std::array<char, 29> http_date(std::int64_t unix_seconds) noexcept {
    std::int64_t days = unix_seconds / 86400, seconds = unix_seconds % 86400;
    if (seconds < 0) {
        seconds += 86400;
        --days;
    }
    const Civil date = civil_from_days(days);
    const std::string_view day = day_names[((days % 7) + 7) % 7];
    const std::string_view month = month_names[date.month - 1];
    std::array<char, 29> out{};
    auto two = [](char *at, unsigned v) {
        at[0] = static_cast<char>('0' + v / 10);
        at[1] = static_cast<char>('0' + v % 10);
    };
    const auto year = static_cast<unsigned>(std::clamp<std::int64_t>(date.year, 0, 9999));
    std::copy(day.begin(), day.end(), out.begin());
    out[3] = ',';
    out[4] = ' ';
    two(&out[5], date.day);
    out[7] = ' ';
    std::copy(month.begin(), month.end(), out.begin() + 8);
    out[11] = ' ';
    two(&out[12], year / 100);
    two(&out[14], year % 100);
    out[16] = ' ';
    two(&out[17], static_cast<unsigned>(seconds / 3600));
    out[19] = ':';
    two(&out[20], static_cast<unsigned>(seconds / 60 % 60));
    out[22] = ':';
    two(&out[23], static_cast<unsigned>(seconds % 60));
    const std::string_view gmt = " GMT";
    std::copy(gmt.begin(), gmt.end(), out.begin() + 25);
    return out;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept {
    text = trim(text);
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    if (text.size() == 29 && text[3] == ',' && text[4] == ' ' && text[7] == ' ' && text[11] == ' ' &&
        text[16] == ' ' && text.substr(25) == " GMT") {
        auto day = decimal(text.substr(5, 2)), year = decimal(text.substr(12, 4));
        if (!day || !year)
            return std::nullopt;
        return date_of(*year, month_of(text.substr(8, 3)), *day, time_of_day(text.substr(17, 8)));
    }
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (a two-digit year: 1970..2069)
    if (const std::size_t comma = text.find(", "); comma != std::string_view::npos && comma >= 6 &&
                                                 text.size() == comma + 24 && text.substr(comma + 20) == " GMT") {
        const std::string_view rest = text.substr(comma + 2); // "06-Nov-94 08:49:37 GMT"
        if (rest[2] != '-' || rest[6] != '-' || rest[9] != ' ')
            return std::nullopt;
        auto day = decimal(rest.substr(0, 2)), yy = decimal(rest.substr(7, 2));
        if (!day || !yy)
            return std::nullopt;
        return date_of(*yy < 70 ? 2000 + *yy : 1900 + *yy, month_of(rest.substr(3, 3)), *day,
                       time_of_day(rest.substr(10, 8)));
    }
    // asctime: "Sun Nov  6 08:49:37 1994"
    if (text.size() == 24 && text[3] == ' ' && text[7] == ' ' && text[10] == ' ' && text[19] == ' ') {
        const std::string_view d = text[8] == ' ' ? text.substr(9, 1) : text.substr(8, 2);
        auto day = decimal(d), year = decimal(text.substr(20, 4));
        if (!day || !year)
            return std::nullopt;
        return date_of(*year, month_of(text.substr(4, 3)), *day, time_of_day(text.substr(11, 8)));
    }
    return std::nullopt;
}

RangeRequest parse_range(std::string_view value, std::uint64_t size) noexcept {
    value = trim(value);
    constexpr std::string_view unit = "bytes=";
    if (value.size() < unit.size() || !equal_ignoring_case(value.substr(0, unit.size()), unit))
        return {};
    const std::string_view spec = trim(value.substr(unit.size()));
    if (spec.find(',') != std::string_view::npos)
        return {}; // several ranges: the whole representation (allowed, and simpler than multipart)
    const std::size_t dash = spec.find('-');
    if (dash == std::string_view::npos)
        return {};
    const std::string_view first_text = trim(spec.substr(0, dash)), last_text = trim(spec.substr(dash + 1));
    if (first_text.empty()) { // "-n": the last n bytes
        auto suffix = decimal(last_text);
        if (!suffix)
            return {};
        if (*suffix == 0 || size == 0)
            return {RangeRequest::Kind::unsatisfiable, {}};
        const std::uint64_t n = std::min(*suffix, size);
        return {RangeRequest::Kind::partial, {size - n, size - 1}};
    }
    auto first = decimal(first_text);
    if (!first)
        return {};
    std::uint64_t last = size == 0 ? 0 : size - 1;
    if (!last_text.empty()) {
        auto given = decimal(last_text);
        if (!given || *given < *first)
            return {}; // malformed: ignored
        last = std::min(*given, last);
    }
    if (*first >= size)
        return {RangeRequest::Kind::unsatisfiable, {}};
    return {RangeRequest::Kind::partial, {*first, last}};
}

Head::Head(Status status) noexcept {
    append("HTTP/1.1 ");
    append(static_cast<std::uint64_t>(status));
    append(" ");
    append(reason(status));
    append("\r\n");
}

Head &Head::header(std::string_view name, std::string_view value) noexcept {
    append(name);
    append(": ");
    append(value);
    append("\r\n");
    return *this;
}

Head &Head::header(std::string_view name, std::uint64_t value) noexcept {
    const Decimal digits(value);
    return header(name, digits.view());
}

Head &Head::content_range(ByteRange range, std::uint64_t size) noexcept {
    append("Content-Range: bytes ");
    append(range.first);
    append("-");
    append(range.last);
    append("/");
    append(size);
    append("\r\n");
    return *this;
}

Head &Head::unsatisfied_range(std::uint64_t size) noexcept {
    append("Content-Range: bytes */");
    append(size);
    append("\r\n");
    return *this;
}

std::span<const std::byte> Head::finish() noexcept {
    bytes_[length_++] = '\r'; // append() kept room for these two
    bytes_[length_++] = '\n';
    return std::as_bytes(std::span(bytes_.data(), length_));
}

void Head::append(std::string_view text) noexcept {
    // Two bytes stay free for finish()'s empty line.
    if (length_ + text.size() + 2 > bytes_.size()) {
        overflow_ = true;
        return;
    }
    std::copy(text.begin(), text.end(), bytes_.begin() + static_cast<std::ptrdiff_t>(length_));
    length_ += text.size();
}

void Head::append(std::uint64_t value) noexcept { append(Decimal(value).view()); }

} // namespace sel4::http
