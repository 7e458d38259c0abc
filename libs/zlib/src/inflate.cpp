// sel4::zlib::inflate over zlib's inflate (Debian's source, built with Z_SOLO and Z_PREFIX: its
// functions are z_inflate, z_inflateInit2_, ..., so that a host program may link the system's
// zlib beside it).
#include <sel4/zlib/inflate.hpp>

#include <climits>
#include <cstdint>

#include "zlib.h"
// zlib.h names z_inflate "inflate" by a macro, which would rename this file's own functions.
#undef inflate

namespace sel4::zlib {

namespace {

// The workspace as zlib's allocator: blocks handed out from the start upwards, never freed
// one by one (the whole is reused by the next call).
struct Arena {
    std::byte *base;
    std::size_t size;
    std::size_t used;
};

voidpf arena_alloc(voidpf opaque, uInt items, uInt size) {
    auto &arena = *static_cast<Arena *>(opaque);
    const auto start = reinterpret_cast<std::uintptr_t>(arena.base) + arena.used;
    const std::size_t padding = (inflate_workspace_alignment - start % inflate_workspace_alignment) %
                                inflate_workspace_alignment;
    if (size != 0 && items > SIZE_MAX / size) {
        return Z_NULL;
    }
    const std::size_t bytes = static_cast<std::size_t>(items) * size;
    if (padding > arena.size - arena.used || bytes > arena.size - arena.used - padding) {
        return Z_NULL;
    }
    arena.used += padding;
    void *block = arena.base + arena.used;
    arena.used += bytes;
    return block;
}

void arena_free(voidpf, voidpf) {}

InflateResult failure(InflateError error, const char *message) {
    return InflateResult{error, message, 0, 0};
}

// zlib's message for corrupt data where it set one.
const char *message_of(const z_stream &stream, const char *fallback) {
    return stream.msg != Z_NULL ? stream.msg : fallback;
}

constexpr std::size_t max_chunk = UINT_MAX; // avail_in and avail_out are uInt

} // namespace

const char *to_string(InflateError error) noexcept {
    switch (error) {
    case InflateError::none: return "none";
    case InflateError::corrupt: return "corrupt";
    case InflateError::needs_dictionary: return "needs_dictionary";
    case InflateError::truncated: return "truncated";
    case InflateError::output_too_small: return "output_too_small";
    case InflateError::output_too_large: return "output_too_large";
    case InflateError::trailing_data: return "trailing_data";
    case InflateError::out_of_memory: return "out_of_memory";
    case InflateError::internal: return "internal";
    }
    return "unknown";
}

InflateResult inflate(std::span<std::byte> workspace, std::span<const std::byte> in,
                      std::span<std::byte> out) noexcept {
    Arena arena{workspace.data(), workspace.size(), 0};
    // zlib wants non-null buffer pointers even for empty buffers.
    static const Bytef no_input = 0;
    Bytef scratch = 0;

    z_stream stream{};
    stream.zalloc = arena_alloc;
    stream.zfree = arena_free;
    stream.opaque = &arena;
    stream.next_in = in.empty() ? &no_input : reinterpret_cast<const Bytef *>(in.data());
    stream.avail_in = 0;
    stream.next_out = out.empty() ? &scratch : reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = 0;

    // 15: a zlib header and a 32 KiB window, the most a stream may ask for.
    int status = inflateInit2(&stream, MAX_WBITS);
    if (status == Z_MEM_ERROR) {
        return failure(InflateError::out_of_memory, "workspace too small for zlib's inflate state");
    }
    if (status != Z_OK) {
        return failure(InflateError::internal, message_of(stream, "zlib refused to initialise"));
    }

    // Input and output not yet handed to zlib (more than a uInt's worth at a time).
    std::size_t in_left = in.size();
    std::size_t out_left = out.size();
    auto consumed = [&] { return in.size() - in_left - stream.avail_in; };
    auto produced = [&] { return out.size() - out_left - stream.avail_out; };
    auto result = [&](InflateError error, const char *message) {
        z_inflateEnd(&stream);
        return InflateResult{error, message, consumed(), produced()};
    };
    // A status of z_inflate other than Z_OK, Z_STREAM_END and Z_BUF_ERROR.
    auto failed = [&](int status) {
        switch (status) {
        case Z_DATA_ERROR: return result(InflateError::corrupt, message_of(stream, "invalid data"));
        case Z_NEED_DICT: return result(InflateError::needs_dictionary, "stream needs a preset dictionary");
        case Z_MEM_ERROR: return result(InflateError::out_of_memory, "workspace too small for zlib's window");
        default: return result(InflateError::internal, message_of(stream, "zlib failed"));
        }
    };

    for (;;) {
        if (stream.avail_in == 0 && in_left != 0) {
            stream.avail_in = static_cast<uInt>(in_left < max_chunk ? in_left : max_chunk);
            in_left -= stream.avail_in;
        }
        if (stream.avail_out == 0 && out_left != 0) {
            stream.avail_out = static_cast<uInt>(out_left < max_chunk ? out_left : max_chunk);
            out_left -= stream.avail_out;
        }
        // Z_FINISH: no sliding window when the stream completes in this call.
        status = z_inflate(&stream, Z_FINISH);
        if (status == Z_STREAM_END) {
            break;
        }
        // Not finished, for want of input or output (Z_FINISH turns Z_OK into Z_BUF_ERROR).
        if (status != Z_BUF_ERROR && status != Z_OK) {
            return failed(status);
        }
        if ((stream.avail_in == 0 && in_left != 0) || (stream.avail_out == 0 && out_left != 0)) {
            continue; // the next chunk of a buffer larger than a uInt
        }
        if (stream.avail_out != 0) {
            if (stream.avail_in != 0) {
                // zlib stops only for want of input or output; never expected.
                return result(InflateError::internal, "zlib stopped with input and output left");
            }
            return result(InflateError::truncated, "input ends before the stream");
        }
        // The output is full and the stream has not ended: it either holds more data, or its
        // end (the end-of-block code, the trailer) is missing. One more byte tells which.
        stream.next_out = &scratch;
        stream.avail_out = 1;
        status = z_inflate(&stream, Z_FINISH);
        const bool more = stream.avail_out == 0;
        stream.avail_out = 0; // produced() counts only the real output
        if (more) {
            return result(InflateError::output_too_small, "stream is longer than the output buffer");
        }
        if (status == Z_STREAM_END) {
            break;
        }
        if (status != Z_BUF_ERROR && status != Z_OK) {
            return failed(status);
        }
        return result(InflateError::truncated, "input ends before the stream");
    }

    if (stream.avail_out != 0 || out_left != 0) {
        return result(InflateError::output_too_large, "stream is shorter than the output buffer");
    }
    if (stream.avail_in != 0 || in_left != 0) {
        return result(InflateError::trailing_data, "input continues after the stream's end");
    }
    return result(InflateError::none, "ok");
}

} // namespace sel4::zlib
