/// @file
/// Inflating zlib streams (RFC 1950: a deflate stream with zlib's header and Adler-32 trailer,
/// as zlib's compress2() writes them) into a buffer of a known size, without a heap and without
/// exceptions. Beneath it is zlib's own inflate code, from Debian's source package, built with
/// Z_SOLO: zlib asks this wrapper for memory, which hands it out from a fixed workspace.
///
/// Usable on seL4 targets (cpp-sel4::zlib-inflate) and on the host (the same library, for unit
/// tests against the host's zlib).
#pragma once

#include <cstddef>
#include <span>

namespace sel4::zlib {

/// Why an inflate failed.
enum class InflateError {
    none,             ///< Success: the stream filled the output exactly.
    corrupt,          ///< Not a valid zlib stream: header, block or distance, or a checksum mismatch.
    needs_dictionary, ///< The stream was deflated with a preset dictionary.
    truncated,        ///< The input ended before the stream did.
    output_too_small, ///< The stream holds more bytes than the output buffer.
    output_too_large, ///< The stream ended before it filled the output buffer.
    trailing_data,    ///< The stream ended before the input did.
    out_of_memory,    ///< The workspace is too small for zlib's state and window.
    internal,         ///< zlib refused its parameters (a bug here, not bad input).
};

/// The error's name ("corrupt", "truncated", ...).
const char *to_string(InflateError error) noexcept;

/// What an inflate did.
struct InflateResult {
    InflateError error = InflateError::none;
    /// A short description, never null: "ok", zlib's own message for corrupt data ("incorrect
    /// header check", "invalid distance too far back", "incorrect data check", ...) or this
    /// wrapper's. Static storage.
    const char *message = "ok";
    /// Input bytes zlib read (all of them on success).
    std::size_t consumed = 0;
    /// Bytes written to the output (its size on success).
    std::size_t produced = 0;

    constexpr bool ok() const noexcept { return error == InflateError::none; }
    constexpr explicit operator bool() const noexcept { return ok(); }
};

/// Bytes of workspace an inflate needs. zlib allocates two blocks: its inflate state (struct
/// inflate_state: 7160 bytes on 64-bit targets, most of it the Huffman code tables, ENOUGH =
/// 1444 entries of 4 bytes, plus the code-length and work arrays) and the 32 KiB sliding window
/// (1 << 15 bytes: the window size is fixed at init, whatever the stream's header says). Each
/// block is aligned to inflate_workspace_alignment. 7168 + 32768 = 39936 bytes; 40 KiB leaves a
/// little room. The window is allocated only when a stream does not complete in one pass (it
/// never is when the output buffer has the stream's exact size), but the size covers both. The
/// library checks at compile time that the sum fits (src/workspace_check.cpp).
inline constexpr std::size_t inflate_workspace_size = 40 * 1024;
/// Alignment of each block zlib is handed.
inline constexpr std::size_t inflate_workspace_alignment = alignof(std::max_align_t);

/// Inflates the zlib stream `in`, which must be exactly the stream (no bytes after it), into
/// exactly `out.size()` bytes of `out`. zlib's memory comes from `workspace` (a bump allocator,
/// started afresh by every call; at least inflate_workspace_size bytes for any stream, any
/// alignment), which must not be used by anything else during the call. Errors are values;
/// on error the contents of `out` are unspecified (up to `produced` bytes written).
InflateResult inflate(std::span<std::byte> workspace, std::span<const std::byte> in,
                      std::span<std::byte> out) noexcept;

/// An inflater with its workspace inside (inflate_workspace_size bytes: give it static storage,
/// or a stack that has room). Not thread-safe: one call at a time per object.
class Inflater {
public:
    /// inflate(workspace, in, out) with this object's workspace.
    InflateResult inflate(std::span<const std::byte> in, std::span<std::byte> out) noexcept {
        return zlib::inflate(workspace_, in, out);
    }

private:
    alignas(inflate_workspace_alignment) std::byte workspace_[inflate_workspace_size];
};

} // namespace sel4::zlib
