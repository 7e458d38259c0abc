/// @file
/// The errors of sel4::block: what a block device, the cache, a partition or the MBR parser
/// refuses or reports, as values.
#pragma once

#include <cstdint>
#include <expected>

/// Async block I/O: block devices, an LRU block cache, MBR partitions, byte-stream reads and
/// the sDDF block-queue client and server.
namespace sel4::block {

/// Why a block operation failed.
enum class Error : std::uint8_t {
    // The request itself.
    not_whole_blocks, ///< The buffer's size is not a multiple of the block size.
    out_of_range,     ///< The blocks (or bytes) reach past the end of the device or partition.
    too_large,        ///< The request is larger than the transport can carry in one piece.
    unsupported_block_size, ///< The device's block size is larger than the cache's (or reader's) slots.
    busy,                   ///< The object serves one operation at a time and is serving another.
    pool_exhausted,         ///< A coroutine frame did not fit in the PD's frame pool.
    bad_config,             ///< The queues or the data region do not fit the device's request slots.
    // What a device answered (sDDF's blk_resp_status_t).
    device_unspecified, ///< The device failed with an unspecified error.
    invalid_parameter,  ///< The device refused the request's parameters.
    io,                 ///< The device failed to complete the request.
    no_device,          ///< No device (medium) is present.
    read_only,          ///< The device does not accept writes.
    bad_response,       ///< The device's response does not fit the request (count, status, id).
    // The MBR.
    bad_signature,     ///< Sector 0 does not end with 0x55 0xAA.
    bad_status,        ///< A partition entry's status byte is neither 0x00 nor 0x80.
    empty_partition,   ///< A used partition entry has no sectors.
    partition_outside, ///< A partition starts in sector 0 or ends past the device.
    partitions_overlap,   ///< Two partitions share sectors.
    partition_misaligned, ///< A partition does not start and end on a block of the device.
    no_partition,         ///< The partition entry asked for is unused.
};

/// A sentence for `error`, for logs.
constexpr const char *describe(Error error) noexcept {
    switch (error) {
    case Error::not_whole_blocks:
        return "the buffer is not a whole number of blocks";
    case Error::out_of_range:
        return "the range reaches past the end of the device";
    case Error::too_large:
        return "the request is larger than the transport carries";
    case Error::unsupported_block_size:
        return "the device's block size is larger than the buffers made for it";
    case Error::busy:
        return "the object is serving another operation";
    case Error::pool_exhausted:
        return "a coroutine frame did not fit in the frame pool";
    case Error::bad_config:
        return "the queues or the data region do not fit the device's request slots";
    case Error::device_unspecified:
        return "the device failed (unspecified error)";
    case Error::invalid_parameter:
        return "the device refused the request's parameters";
    case Error::io:
        return "the device failed to complete the request";
    case Error::no_device:
        return "no device is present";
    case Error::read_only:
        return "the device is read-only";
    case Error::bad_response:
        return "the device's response does not fit the request";
    case Error::bad_signature:
        return "the MBR has no 0x55AA signature";
    case Error::bad_status:
        return "an MBR partition entry has a status other than 0x00 or 0x80";
    case Error::empty_partition:
        return "an MBR partition entry is used but has no sectors";
    case Error::partition_outside:
        return "an MBR partition starts in sector 0 or ends past the device";
    case Error::partitions_overlap:
        return "two MBR partitions overlap";
    case Error::partition_misaligned:
        return "a partition does not start and end on a block of the device";
    case Error::no_partition:
        return "the MBR partition entry is unused";
    }
    return "unknown block error";
}

/// A value or the reason it could not be had.
template <class T> using Result = std::expected<T, Error>;

} // namespace sel4::block
