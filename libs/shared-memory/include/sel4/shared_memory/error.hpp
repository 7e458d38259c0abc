/// @file
/// The errors of sel4::shared_memory: what a view of shared memory refuses, as values.
#pragma once

#include <cstdint>
#include <expected>

/// Typed, bounds-checked views of memory shared with another protection domain.
namespace sel4::shared_memory {

/// Why a view of a region was refused.
enum class Error : std::uint8_t {
    out_of_bounds, ///< The offset and size reach past the region's end (or overflow).
    misaligned,    ///< The address is not a multiple of the type's alignment.
};

/// A sentence for `error`, for logs.
constexpr const char *describe(Error error) noexcept {
    switch (error) {
    case Error::out_of_bounds:
        return "the range reaches past the end of the shared region";
    case Error::misaligned:
        return "the address is not aligned for the type";
    }
    return "unknown shared-memory error";
}

/// A value or the reason it could not be had.
template <class T> using Result = std::expected<T, Error>;

} // namespace sel4::shared_memory
