/// @file
/// The errors of sel4::queue: why a queue handle could not be attached, as values.
#pragma once

#include <cstdint>
#include <expected>

/// sDDF 0.7's shared queues, bit-for-bit (net: free/active buffer queues; blk: request and
/// response queues), on typed views of shared memory (sel4::shared_memory).
namespace sel4::queue {

/// Why a queue handle was refused.
enum class Error : std::uint8_t {
    capacity_not_power_of_two, ///< The capacity is 0 or not a power of two.
    capacity_too_large,        ///< The capacity is more than the index type can count (Ring::max_capacity).
    region_too_small,          ///< The region does not hold the header and `capacity` entries.
    region_misaligned,         ///< The region's address is not aligned for the queue's header and entries.
};

/// A sentence for `error`, for logs.
constexpr const char *describe(Error error) noexcept {
    switch (error) {
    case Error::capacity_not_power_of_two:
        return "the queue's capacity is not a power of two";
    case Error::capacity_too_large:
        return "the queue's capacity is larger than its indices can count";
    case Error::region_too_small:
        return "the shared region does not hold the queue's header and entries";
    case Error::region_misaligned:
        return "the shared region is not aligned for the queue";
    }
    return "unknown queue error";
}

/// A value or the reason it could not be had.
template <class T> using Result = std::expected<T, Error>;

} // namespace sel4::queue
