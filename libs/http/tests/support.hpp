// What the HTTP tests and the fuzz share: an in-memory transport (its input delivered in
// pieces of a chosen size, its output collected), an in-memory site, and a reader of the
// responses the server wrote.
#pragma once

#include <sel4/async/executor.hpp>
#include <sel4/async/frame_pool.hpp>
#include <sel4/async/task.hpp>
#include <sel4/http.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace http_test {

namespace async = sel4::async;
namespace http = sel4::http;

// The client's side of a connection: `input` is what it sends (handed to the server `piece`
// bytes a read, or fewer at the end; then the peer's close, or a failure with fail_reads),
// the server's writes collect in `output`.
struct MemoryTransport {
    MemoryTransport(std::string in = {}, std::size_t pieces = 1 << 20, bool fail = false)
        : input(std::move(in)), piece(pieces), fail_reads(fail) {}
    std::string input;
    std::size_t piece = 1 << 20;
    bool fail_reads = false;  // the end of the input is a broken connection, not a close
    std::size_t fail_writes_after = SIZE_MAX; // bytes of output after which writes fail
    std::size_t at = 0;
    std::string output;
    std::size_t reads = 0;

    // Every read and write suspends, as a network's do: besides being what the server meets,
    // that keeps the stack flat (under AddressSanitizer GCC makes no tail calls, so a long
    // run of synchronous completions would nest a frame each).
    async::Task<std::expected<std::size_t, int>> read(std::span<std::byte> buffer) {
        co_await async::yield();
        ++reads;
        if (at == input.size()) {
            if (fail_reads)
                co_return std::unexpected(1);
            co_return std::size_t{0};
        }
        const std::size_t n = std::min({piece, buffer.size(), input.size() - at});
        std::memcpy(buffer.data(), input.data() + at, n);
        at += n;
        co_return n;
    }
    async::Task<std::expected<void, int>> write_all(std::span<const std::byte> bytes) {
        co_await async::yield();
        if (output.size() + bytes.size() > fail_writes_after)
            co_return std::unexpected(2);
        output.append(reinterpret_cast<const char *>(bytes.data()), bytes.size());
        co_return std::expected<void, int>{};
    }
};

// A site of files and directories in memory.
struct MemorySite {
    struct Entry {
        std::string bytes;
        std::optional<std::int64_t> modified;
    };
    std::map<std::string, Entry> files;
    std::set<std::string> directories{"/"};
    bool fail_reads = false;
    std::vector<std::string> opened;

    using File = const Entry *;

    void add(const std::string &path, std::string bytes, std::optional<std::int64_t> modified = 1767225600) {
        files[path] = Entry{std::move(bytes), modified};
        for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1))
            directories.insert(path.substr(0, slash));
    }

    async::Task<http::Found<File>> open(std::string_view path) {
        opened.emplace_back(path);
        if (auto f = files.find(std::string(path)); f != files.end())
            co_return http::Found<File>::of_file(&f->second, f->second.bytes.size(), f->second.modified);
        if (directories.contains(std::string(path)))
            co_return http::Found<File>::of(http::Kind::directory);
        co_return http::Found<File>::of(http::Kind::missing);
    }
    async::Task<std::expected<std::size_t, int>> read(File file, std::uint64_t offset, std::span<std::byte> buffer) {
        if (fail_reads)
            co_return std::unexpected(3);
        if (offset >= file->bytes.size())
            co_return std::size_t{0};
        const std::size_t n = std::min<std::size_t>(buffer.size(), file->bytes.size() - offset);
        std::memcpy(buffer.data(), file->bytes.data() + offset, n);
        co_return n;
    }
};

// One response as the client reads it.
struct Response {
    int status = 0;
    std::string status_line;
    std::map<std::string, std::string> headers; // names in lower case
    std::string body;
    std::string header(const std::string &name) const {
        auto h = headers.find(name);
        return h == headers.end() ? std::string() : h->second;
    }
};

// The responses in `output`, in order; a HEAD's (heads_only[i]) have no body. Stops at what it
// cannot read (and says so in `error`).
inline std::vector<Response> read_responses(const std::string &output, const std::vector<bool> &heads_only,
                                            std::string *error = nullptr) {
    std::vector<Response> responses;
    std::size_t at = 0;
    while (at < output.size()) {
        const std::size_t end = output.find("\r\n\r\n", at);
        if (end == std::string::npos || output.compare(at, 9, "HTTP/1.1 ") != 0) {
            if (error)
                *error = "not a response head at byte " + std::to_string(at);
            break;
        }
        Response r;
        const std::string head = output.substr(at, end - at);
        std::size_t line_end = head.find("\r\n");
        r.status_line = head.substr(0, line_end);
        r.status = std::atoi(r.status_line.c_str() + 9);
        while (line_end != std::string::npos) {
            const std::size_t next = head.find("\r\n", line_end + 2);
            const std::string line = head.substr(line_end + 2, next == std::string::npos ? std::string::npos : next - line_end - 2);
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string name = line.substr(0, colon);
                std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
                std::size_t v = colon + 1;
                while (v < line.size() && line[v] == ' ')
                    ++v;
                r.headers[name] = line.substr(v);
            }
            line_end = next;
        }
        at = end + 4;
        const bool head_only = responses.size() < heads_only.size() && heads_only[responses.size()];
        if (!head_only && r.status != 304) {
            const std::size_t length = std::strtoull(r.header("content-length").c_str(), nullptr, 10);
            if (at + length > output.size()) {
                if (error)
                    *error = "a body shorter than its Content-Length";
                r.body = output.substr(at);
                responses.push_back(r);
                break;
            }
            r.body = output.substr(at, length);
            at += length;
        }
        responses.push_back(r);
    }
    return responses;
}

} // namespace http_test
