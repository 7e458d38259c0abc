/// @file
/// sel4::fat: a read-only FAT12/FAT16/FAT32 file system over any sel4::block BlockDevice
/// (usually a Partition of a BlockCache), with long file names; no heap, errors as values.
///
/// ```cpp
/// auto volume = co_await fat::Volume<Device>::mount(partition);
/// auto file = co_await volume->open("/site/index.html");
/// auto got = co_await file->read(0, buffer); // the bytes read, fewer at the end
/// ```
///
/// The layout (Microsoft's "FAT: General Overview of On-Disk Format"): a boot sector with the
/// BIOS parameter block, reserved sectors, the FATs, on FAT12/16 a fixed root directory, then
/// the data area of clusters numbered from 2. The FAT type follows from the cluster count
/// alone (fewer than 4085 clusters: FAT12; fewer than 65525: FAT16; else FAT32).
///
/// Nothing on the disk is trusted: every cluster number is checked against the volume, every
/// chain walk is bounded by the cluster count (a loop is Error reason chain_loop, never a
/// hang), a chain that ends before the file's size is chain_too_short, and a directory is at
/// most max_directory_entries entries long.
#pragma once

#include <sel4/block/byte_reader.hpp>
#include <sel4/block/device.hpp>
#include <sel4/block/error.hpp>

#include <sel4/async/error.hpp>
#include <sel4/async/task.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <expected>
#include <optional>
#include <span>
#include <string_view>

/// A read-only FAT12/16/32 file system with long file names over sel4::block devices.
namespace sel4::fat {

/// What went wrong: a field of the boot sector that is out of bounds, a corruption found on
/// the way, or a request that cannot be served.
enum class Reason : std::uint8_t {
    device,                   ///< The device failed (Error::device holds its error).
    pool_exhausted,           ///< A coroutine frame did not fit in the frame pool.
    device_too_small,         ///< The device is smaller than one boot sector.
    bad_signature,            ///< The boot sector does not end with 0x55 0xAA.
    bad_jump,                 ///< The boot sector does not start with a jump (0xEB or 0xE9).
    bad_bytes_per_sector,     ///< BPB_BytsPerSec is not a power of two in 512..4096.
    bad_sectors_per_cluster,  ///< BPB_SecPerClus is not a power of two in 1..128.
    bad_cluster_size,         ///< A cluster (BytsPerSec * SecPerClus) is larger than 64 KiB.
    bad_reserved_sectors,     ///< BPB_RsvdSecCnt is 0.
    bad_fat_count,            ///< BPB_NumFATs is 0.
    bad_root_entry_count,     ///< BPB_RootEntCnt is 0 on FAT12/16 or not 0 on FAT32.
    bad_total_sectors,        ///< BPB_TotSec16 and BPB_TotSec32 are both 0 (or both set and differ).
    bad_fat_size,             ///< BPB_FATSz16/32 is 0, or BPB_FATSz16 is set on FAT32.
    fat_too_small,            ///< The FAT has fewer entries than the volume has clusters.
    no_data_area,             ///< The reserved sectors, FATs and root directory fill the volume.
    bad_fs_version,           ///< BPB_FSVer (FAT32) is not 0.0.
    bad_root_cluster,         ///< BPB_RootClus (FAT32) is not a cluster of the volume.
    volume_larger_than_device, ///< The BPB's sectors reach past the end of the device.
    cluster_out_of_range,     ///< A FAT entry or directory entry names a cluster outside the volume.
    free_cluster_in_chain,    ///< A chain goes on into a free cluster (FAT entry 0).
    bad_cluster_in_chain,     ///< A chain goes on into a cluster marked bad.
    chain_loop,               ///< A chain is longer than the volume has clusters: it loops.
    chain_too_short,          ///< A file's chain ends before its size says it does.
    directory_too_long,       ///< A directory has more than max_directory_entries entries.
    not_found,                ///< No entry of that name.
    not_a_directory,          ///< A path goes on through a file, or a file was opened as a directory.
    bad_path,                 ///< A path component is "..", or longer than max_name_units.
};

/// A sentence for `reason`, for logs.
constexpr const char *describe(Reason reason) noexcept {
    switch (reason) {
    case Reason::device:
        return "the block device failed";
    case Reason::pool_exhausted:
        return "a coroutine frame did not fit in the frame pool";
    case Reason::device_too_small:
        return "the device is smaller than a boot sector";
    case Reason::bad_signature:
        return "the boot sector has no 0x55AA signature";
    case Reason::bad_jump:
        return "the boot sector does not start with a jump instruction (BS_jmpBoot)";
    case Reason::bad_bytes_per_sector:
        return "BPB_BytsPerSec is not a power of two from 512 to 4096";
    case Reason::bad_sectors_per_cluster:
        return "BPB_SecPerClus is not a power of two from 1 to 128";
    case Reason::bad_cluster_size:
        return "a cluster (BPB_BytsPerSec * BPB_SecPerClus) is larger than 64 KiB";
    case Reason::bad_reserved_sectors:
        return "BPB_RsvdSecCnt is 0";
    case Reason::bad_fat_count:
        return "BPB_NumFATs is 0";
    case Reason::bad_root_entry_count:
        return "BPB_RootEntCnt does not fit the FAT type (0 on FAT12/16, not 0 on FAT32)";
    case Reason::bad_total_sectors:
        return "BPB_TotSec16 and BPB_TotSec32 give no (or no single) sector count";
    case Reason::bad_fat_size:
        return "BPB_FATSz16/BPB_FATSz32 is 0, or BPB_FATSz16 is set on FAT32";
    case Reason::fat_too_small:
        return "the FAT (BPB_FATSz) has fewer entries than the volume has clusters";
    case Reason::no_data_area:
        return "the reserved sectors, FATs and root directory leave no data area";
    case Reason::bad_fs_version:
        return "BPB_FSVer is not 0.0";
    case Reason::bad_root_cluster:
        return "BPB_RootClus is not a cluster of the volume";
    case Reason::volume_larger_than_device:
        return "the volume's sectors (BPB_TotSec) reach past the end of the device";
    case Reason::cluster_out_of_range:
        return "a cluster number is outside the volume";
    case Reason::free_cluster_in_chain:
        return "a cluster chain runs into a free cluster";
    case Reason::bad_cluster_in_chain:
        return "a cluster chain runs into a cluster marked bad";
    case Reason::chain_loop:
        return "a cluster chain is longer than the volume: it loops";
    case Reason::chain_too_short:
        return "a file's cluster chain ends before its size";
    case Reason::directory_too_long:
        return "a directory has more entries than FAT allows (no end)";
    case Reason::not_found:
        return "no such file or directory";
    case Reason::not_a_directory:
        return "not a directory";
    case Reason::bad_path:
        return "a path component is '..' or longer than 255 characters";
    }
    return "unknown FAT error";
}

/// An error: the reason, and for Reason::device the device's own error.
struct Error {
    Reason reason = Reason::device;       ///< What is wrong.
    block::Error device = block::Error{}; ///< The device's error (when reason is Reason::device).

    /// For `reason`.
    constexpr Error(Reason reason) noexcept : reason(reason) {} // NOLINT: implicit on purpose
    /// A device error: Reason::device with it, or Reason::pool_exhausted for block's.
    constexpr explicit Error(block::Error error) noexcept
        : reason(error == block::Error::pool_exhausted ? Reason::pool_exhausted : Reason::device), device(error) {}
    /// What sel4::async gives for a Task whose frame did not fit.
    constexpr explicit Error(async::Error) noexcept : reason(Reason::pool_exhausted) {}

    /// Equal errors.
    friend constexpr bool operator==(const Error &, const Error &) = default;
    /// Whether the error has this reason.
    friend constexpr bool operator==(const Error &error, Reason reason) { return error.reason == reason; }
};

/// A sentence for `error`, for logs.
constexpr const char *describe(const Error &error) noexcept {
    return error.reason == Reason::device ? block::describe(error.device) : describe(error.reason);
}

/// A value or the reason it could not be had.
template <class T> using Result = std::expected<T, Error>;

/// The FAT variant, by the volume's cluster count.
enum class Type : std::uint8_t {
    fat12, ///< Fewer than 4085 clusters: 12-bit FAT entries.
    fat16, ///< Fewer than 65525 clusters: 16-bit FAT entries.
    fat32, ///< 28-bit FAT entries, the root directory in a cluster chain.
};

/// The most UTF-16 units of a long name.
inline constexpr std::size_t max_name_units = 255;
/// The most bytes of a name in UTF-8 (three per UTF-16 unit at most).
inline constexpr std::size_t max_name_bytes = max_name_units * 3;
/// The most entries of a directory (the spec's 65,536: 2 MiB of 32-byte entries).
inline constexpr std::uint32_t max_directory_entries = 65536;

/// Directory entry attributes (DIR_Attr).
namespace attribute {
inline constexpr std::uint8_t read_only = 0x01; ///< Read-only.
inline constexpr std::uint8_t hidden = 0x02;    ///< Hidden.
inline constexpr std::uint8_t system = 0x04;    ///< System.
inline constexpr std::uint8_t volume_id = 0x08; ///< The volume label.
inline constexpr std::uint8_t directory = 0x10; ///< A directory.
inline constexpr std::uint8_t archive = 0x20;   ///< Changed since the last backup.
inline constexpr std::uint8_t long_name = 0x0f; ///< The four bits that mark an LFN entry.
} // namespace attribute

/// A FAT date and time (local time, two-second resolution) as stored in a directory entry.
struct Timestamp {
    std::uint16_t date = 0; ///< Bits 15..9 year - 1980, 8..5 month, 4..0 day.
    std::uint16_t time = 0; ///< Bits 15..11 hour, 10..5 minute, 4..0 second / 2.

    /// The year (1980..2107).
    constexpr unsigned year() const noexcept { return 1980u + (date >> 9); }
    /// The month (1..12 when valid).
    constexpr unsigned month() const noexcept { return (date >> 5) & 0x0fu; }
    /// The day of the month (1..31 when valid).
    constexpr unsigned day() const noexcept { return date & 0x1fu; }
    /// The hour (0..23 when valid).
    constexpr unsigned hour() const noexcept { return time >> 11; }
    /// The minute (0..59 when valid).
    constexpr unsigned minute() const noexcept { return (time >> 5) & 0x3fu; }
    /// The second (0..58 when valid, even).
    constexpr unsigned second() const noexcept { return (time & 0x1fu) * 2u; }
    /// Whether the fields are in range (a date of 0, as some tools write, is not).
    constexpr bool valid() const noexcept {
        return month() >= 1 && month() <= 12 && day() >= 1 && day() <= 31 && hour() < 24 && minute() < 60 &&
               second() < 60;
    }
    /// Seconds since 1970-01-01 00:00:00, taking the stored local time as UTC; 0 when not valid().
    constexpr std::int64_t unix_seconds() const noexcept {
        if (!valid())
            return 0;
        // Days from the civil date (the proleptic Gregorian calendar, years from March).
        const int y = static_cast<int>(year()) - (month() <= 2 ? 1 : 0);
        const int era = y / 400;
        const int yoe = y - era * 400;
        const int m = static_cast<int>(month());
        const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + static_cast<int>(day()) - 1;
        const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        const std::int64_t days = std::int64_t{era} * 146097 + doe - 719468;
        return days * 86400 + hour() * 3600 + minute() * 60 + second();
    }
};

/// One entry of a directory: its name (the long name when it has a valid one, else the 8.3
/// name with its case bits), size, attributes, first cluster and dates.
struct Entry {
    std::array<char, max_name_bytes + 1> name_bytes{}; ///< The name in UTF-8, NUL-terminated.
    std::uint16_t name_length = 0;                     ///< The name's bytes (without the NUL).
    std::array<char, 13> short_name_bytes{};           ///< The 8.3 name ("NAME.EXT"), NUL-terminated.
    std::uint8_t short_name_length = 0;                ///< The 8.3 name's bytes.
    std::uint8_t attributes = 0;                       ///< DIR_Attr (see sel4::fat::attribute).
    std::uint32_t first_cluster = 0;                   ///< The first cluster (0: none).
    std::uint32_t size = 0;                            ///< The size in bytes (0 for a directory).
    Timestamp modified;                                ///< DIR_WrtDate and DIR_WrtTime.
    Timestamp created;                                 ///< DIR_CrtDate and DIR_CrtTime.
    bool long_name = false;                            ///< Whether name() is a long name.

    /// The name (long, or 8.3).
    constexpr std::string_view name() const noexcept { return {name_bytes.data(), name_length}; }
    /// The 8.3 name.
    constexpr std::string_view short_name() const noexcept { return {short_name_bytes.data(), short_name_length}; }
    /// Whether it is a directory.
    constexpr bool is_directory() const noexcept { return (attributes & attribute::directory) != 0; }
};

/// Whether `a` and `b` are equal ignoring the case of ASCII letters (FAT's own upcasing of
/// other characters is not done).
constexpr bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto fold = [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; };
        if (fold(a[i]) != fold(b[i]))
            return false;
    }
    return true;
}

/// The checksum of an 8.3 name (its 11 bytes) that each of its LFN entries carries.
constexpr std::uint8_t short_name_checksum(std::span<const std::byte, 11> name) noexcept {
    std::uint8_t sum = 0;
    for (std::byte b : name)
        sum = static_cast<std::uint8_t>(((sum & 1) << 7) + (sum >> 1) + static_cast<std::uint8_t>(b));
    return sum;
}

namespace detail {

constexpr std::uint16_t le16(const std::byte *p) noexcept {
    return static_cast<std::uint16_t>(std::uint16_t(p[0]) | std::uint16_t(p[1]) << 8);
}
constexpr std::uint32_t le32(const std::byte *p) noexcept {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
constexpr bool power_of_two(std::uint32_t x) noexcept { return x != 0 && (x & (x - 1)) == 0; }

// Appends the UTF-8 of `units` (UTF-16, unpaired surrogates as U+FFFD) to `entry`'s name.
constexpr void utf16_to_utf8(std::span<const std::uint16_t> units, Entry &entry) noexcept {
    std::size_t n = 0;
    auto put = [&](std::uint32_t c) {
        if (c < 0x80) {
            entry.name_bytes[n++] = static_cast<char>(c);
        } else if (c < 0x800) {
            entry.name_bytes[n++] = static_cast<char>(0xc0 | (c >> 6));
            entry.name_bytes[n++] = static_cast<char>(0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            entry.name_bytes[n++] = static_cast<char>(0xe0 | (c >> 12));
            entry.name_bytes[n++] = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            entry.name_bytes[n++] = static_cast<char>(0x80 | (c & 0x3f));
        } else {
            entry.name_bytes[n++] = static_cast<char>(0xf0 | (c >> 18));
            entry.name_bytes[n++] = static_cast<char>(0x80 | ((c >> 12) & 0x3f));
            entry.name_bytes[n++] = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
            entry.name_bytes[n++] = static_cast<char>(0x80 | (c & 0x3f));
        }
    };
    for (std::size_t i = 0; i < units.size(); ++i) {
        const std::uint32_t u = units[i];
        if (u >= 0xd800 && u < 0xdc00 && i + 1 < units.size() && units[i + 1] >= 0xdc00 && units[i + 1] < 0xe000) {
            put(0x10000 + ((u - 0xd800) << 10) + (units[i + 1] - 0xdc00u));
            ++i;
        } else if (u >= 0xd800 && u < 0xe000) {
            put(0xfffd);
        } else {
            put(u);
        }
    }
    entry.name_bytes[n] = '\0';
    entry.name_length = static_cast<std::uint16_t>(n);
}

// The 8.3 name of a directory entry's first 11 bytes, lower-cased as DIR_NTRes says.
constexpr void short_name(const std::byte *raw, std::uint8_t nt_flags, Entry &entry) noexcept {
    std::size_t n = 0;
    auto copy = [&](std::size_t from, std::size_t count, bool lower) {
        std::size_t end = count;
        while (end > 0 && raw[from + end - 1] == std::byte{' '})
            --end;
        for (std::size_t i = 0; i < end; ++i) {
            char c = static_cast<char>(raw[from + i]);
            if (from + i == 0 && c == '\x05')
                c = '\xe5'; // a first byte of 0xE5 is stored as 0x05 (0xE5 marks a free entry)
            if (lower && c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
            entry.short_name_bytes[n++] = c;
        }
        return end;
    };
    copy(0, 8, (nt_flags & 0x08) != 0);
    bool has_extension = false;
    for (std::size_t i = 8; i < 11; ++i)
        has_extension = has_extension || raw[i] != std::byte{' '};
    if (has_extension) {
        entry.short_name_bytes[n++] = '.';
        copy(8, 3, (nt_flags & 0x10) != 0);
    }
    entry.short_name_bytes[n] = '\0';
    entry.short_name_length = static_cast<std::uint8_t>(n);
}

} // namespace detail

template <block::BlockDevice Device, std::size_t MaxBlockBytes> class Volume;
template <block::BlockDevice Device, std::size_t MaxBlockBytes> class Directory;

/// An open file or directory of a Volume: its size, attributes and dates, and read() of its
/// bytes. Keeps the last cluster it read, so sequential reads walk each link of the chain
/// once. Refers to its volume, which must outlive it.
template <block::BlockDevice Device, std::size_t MaxBlockBytes = 4096> class File {
public:
    /// The size in bytes (0 for a directory).
    std::uint32_t size() const noexcept { return entry_.size; }
    /// DIR_Attr.
    std::uint8_t attributes() const noexcept { return entry_.attributes; }
    /// Whether it is a directory.
    bool is_directory() const noexcept { return root_ || entry_.is_directory(); }
    /// The time it was last written.
    Timestamp modified() const noexcept { return entry_.modified; }
    /// Its first cluster (0: empty file, or FAT12/16's root directory).
    std::uint32_t first_cluster() const noexcept { return entry_.first_cluster; }
    /// Its directory entry (the root directory's is made up: no name, the directory attribute).
    const Entry &entry() const noexcept { return entry_; }

    /// Reads the bytes from `offset` into `buffer` and gives how many: min(buffer.size(),
    /// size() - offset), 0 at or past the end. A directory reads as 0 bytes.
    async::Task<Result<std::size_t>> read(std::uint64_t offset, std::span<std::byte> buffer) {
        if (is_directory() || offset >= entry_.size)
            co_return std::size_t{0};
        const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), entry_.size - offset));
        const std::uint32_t cluster_bytes = volume_->cluster_bytes();
        std::size_t done = 0;
        while (done < count) {
            const std::uint64_t at = offset + done;
            const auto index = static_cast<std::uint32_t>(at / cluster_bytes);
            auto cluster = co_await seek(index);
            if (!cluster)
                co_return std::unexpected(cluster.error());
            const auto in_cluster = static_cast<std::uint32_t>(at % cluster_bytes);
            const std::size_t part = std::min<std::size_t>(count - done, cluster_bytes - in_cluster);
            if (auto got = co_await volume_->read_bytes(volume_->cluster_offset(*cluster) + in_cluster,
                                                        buffer.subspan(done, part));
                !got)
                co_return std::unexpected(got.error());
            done += part;
        }
        co_return count;
    }

    /// The directory's entries; Reason::not_a_directory for a file.
    Result<Directory<Device, MaxBlockBytes>> directory() const noexcept {
        if (!is_directory())
            return std::unexpected(Reason::not_a_directory);
        return Directory<Device, MaxBlockBytes>(*volume_, root_ ? volume_->root_cluster() : entry_.first_cluster);
    }

private:
    friend class Volume<Device, MaxBlockBytes>;
    File(Volume<Device, MaxBlockBytes> &volume, const Entry &entry, bool root) noexcept
        : volume_(&volume), entry_(entry), root_(root) {}

    // The cluster of the file's `index`th cluster, from the cached position when it is at or
    // before it, else from the start.
    async::Task<Result<std::uint32_t>> seek(std::uint32_t index) {
        if (entry_.first_cluster == 0 || !volume_->valid_cluster(entry_.first_cluster))
            co_return std::unexpected(entry_.first_cluster == 0 ? Reason::chain_too_short
                                                                : Reason::cluster_out_of_range);
        if (cached_cluster_ == 0 || index < cached_index_) {
            cached_index_ = 0;
            cached_cluster_ = entry_.first_cluster;
        }
        while (cached_index_ < index) {
            if (cached_index_ >= volume_->cluster_count())
                co_return std::unexpected(Reason::chain_loop);
            auto next = co_await volume_->next_cluster(cached_cluster_);
            if (!next)
                co_return std::unexpected(next.error());
            if (!*next)
                co_return std::unexpected(Reason::chain_too_short);
            cached_cluster_ = **next;
            ++cached_index_;
        }
        co_return cached_cluster_;
    }

    Volume<Device, MaxBlockBytes> *volume_;
    Entry entry_;
    bool root_;
    std::uint32_t cached_index_ = 0;
    std::uint32_t cached_cluster_ = 0;
};

/// The entries of a directory, one next() at a time, skipping free entries, the volume label
/// and "." and "..". Refers to its volume, which must outlive it.
template <block::BlockDevice Device, std::size_t MaxBlockBytes = 4096> class Directory {
public:
    /// The next entry, or std::nullopt at the end of the directory.
    async::Task<Result<std::optional<Entry>>> next() {
        std::array<std::uint16_t, 260> units{};
        std::uint8_t lfn_next = 0; // the sequence number expected next; 0: no long name pending
        std::uint8_t lfn_checksum = 0;
        std::size_t lfn_units = 0;
        while (!ended_) {
            if (index_ >= max_directory_entries)
                co_return std::unexpected(Reason::directory_too_long);
            auto where = co_await position();
            if (!where)
                co_return std::unexpected(where.error());
            if (!*where) {
                ended_ = true;
                break;
            }
            std::array<std::byte, 32> raw{};
            if (auto got = co_await volume_->read_bytes(**where, raw); !got)
                co_return std::unexpected(got.error());
            ++index_;
            const auto first = static_cast<std::uint8_t>(raw[0]);
            const auto attributes = static_cast<std::uint8_t>(raw[11]);
            if (first == 0x00) {
                ended_ = true;
                break;
            }
            if (first == 0xe5) {
                lfn_next = 0;
                continue;
            }
            if ((attributes & 0x3f) == attribute::long_name) {
                const std::uint8_t order = first & 0x1f;
                if (first & 0x40) {
                    lfn_next = order;
                    lfn_checksum = static_cast<std::uint8_t>(raw[13]);
                    lfn_units = std::size_t{order} * 13;
                    if (order == 0 || order > 20)
                        lfn_next = 0;
                } else if (lfn_next == 0 || order != lfn_next || static_cast<std::uint8_t>(raw[13]) != lfn_checksum) {
                    lfn_next = 0;
                    continue;
                }
                if (lfn_next == 0)
                    continue;
                static constexpr std::array<std::uint8_t, 13> at{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};
                for (std::size_t i = 0; i < 13; ++i)
                    units[(order - 1u) * 13u + i] = detail::le16(raw.data() + at[i]);
                --lfn_next;
                if (lfn_next == 0)
                    lfn_next = 0xff; // complete: waiting for its 8.3 entry
                continue;
            }
            const bool lfn_complete = lfn_next == 0xff;
            lfn_next = 0;
            if (attributes & attribute::volume_id)
                continue;
            if (raw[0] == std::byte{'.'} &&
                (raw[1] == std::byte{' '} || (raw[1] == std::byte{'.'} && raw[2] == std::byte{' '})))
                continue;
            Entry entry;
            entry.attributes = attributes;
            entry.size = (attributes & attribute::directory) ? 0 : detail::le32(raw.data() + 28);
            entry.first_cluster = static_cast<std::uint32_t>(detail::le16(raw.data() + 26)) |
                                  (volume_->type() == Type::fat32
                                       ? static_cast<std::uint32_t>(detail::le16(raw.data() + 20)) << 16
                                       : 0u);
            entry.modified = {detail::le16(raw.data() + 24), detail::le16(raw.data() + 22)};
            entry.created = {detail::le16(raw.data() + 16), detail::le16(raw.data() + 14)};
            detail::short_name(raw.data(), static_cast<std::uint8_t>(raw[12]), entry);
            if (lfn_complete &&
                short_name_checksum(std::span<const std::byte, 11>(raw.data(), 11)) == lfn_checksum) {
                std::size_t length = 0;
                while (length < lfn_units && units[length] != 0x0000)
                    ++length;
                if (length > 0 && length <= max_name_units) {
                    detail::utf16_to_utf8(std::span(units.data(), length), entry);
                    entry.long_name = true;
                }
            }
            if (!entry.long_name) {
                std::memcpy(entry.name_bytes.data(), entry.short_name_bytes.data(), entry.short_name_length + 1u);
                entry.name_length = entry.short_name_length;
            }
            co_return entry;
        }
        co_return std::nullopt;
    }

    /// Starts again from the first entry.
    void rewind() noexcept {
        index_ = 0;
        cluster_ = first_cluster_;
        cluster_index_ = 0;
        ended_ = false;
    }

private:
    friend class File<Device, MaxBlockBytes>;
    friend class Volume<Device, MaxBlockBytes>;
    Directory(Volume<Device, MaxBlockBytes> &volume, std::uint32_t first_cluster) noexcept
        : volume_(&volume), first_cluster_(first_cluster), cluster_(first_cluster) {}

    // The byte offset of entry index_, or std::nullopt past the directory's end.
    async::Task<Result<std::optional<std::uint64_t>>> position() {
        if (first_cluster_ == 0) { // FAT12/16's fixed root directory
            if (index_ >= volume_->root_entry_count())
                co_return std::nullopt;
            co_return volume_->root_offset() + std::uint64_t{index_} * 32;
        }
        const std::uint32_t per_cluster = volume_->cluster_bytes() / 32;
        const std::uint32_t want = index_ / per_cluster;
        if (cluster_index_ == 0 && !volume_->valid_cluster(cluster_))
            co_return std::unexpected(Reason::cluster_out_of_range);
        while (cluster_index_ < want) {
            if (cluster_index_ >= volume_->cluster_count())
                co_return std::unexpected(Reason::chain_loop);
            auto next = co_await volume_->next_cluster(cluster_);
            if (!next)
                co_return std::unexpected(next.error());
            if (!*next)
                co_return std::nullopt;
            cluster_ = **next;
            ++cluster_index_;
        }
        co_return volume_->cluster_offset(cluster_) + std::uint64_t{index_ % per_cluster} * 32;
    }

    Volume<Device, MaxBlockBytes> *volume_;
    std::uint32_t first_cluster_;
    std::uint32_t cluster_;
    std::uint32_t cluster_index_ = 0;
    std::uint32_t index_ = 0;
    bool ended_ = false;
};

/// A mounted FAT volume on a `Device` (the whole device: use a block::Partition for a
/// partition). `MaxBlockBytes` is the largest device block it reads through a bounce buffer
/// (none when the device has read_part(), as the cache does). Refers to the device, which
/// must outlive it; files and directories refer to the volume, which must not move while
/// they are open.
template <block::BlockDevice Device, std::size_t MaxBlockBytes = 4096> class Volume {
public:
    /// Reads and checks the boot sector of `device` (see Reason for every refusal) and gives
    /// the volume.
    static async::Task<Result<Volume>> mount(Device &device) {
        const std::uint64_t device_bytes = device.block_count() * device.block_size();
        if (device_bytes < 512)
            co_return std::unexpected(Reason::device_too_small);
        Volume volume(device);
        std::array<std::byte, 512> boot{};
        if (auto got = co_await volume.read_bytes(0, boot); !got)
            co_return std::unexpected(got.error());
        const std::byte *b = boot.data();
        if (b[510] != std::byte{0x55} || b[511] != std::byte{0xaa})
            co_return std::unexpected(Reason::bad_signature);
        if (b[0] != std::byte{0xeb} && b[0] != std::byte{0xe9})
            co_return std::unexpected(Reason::bad_jump);
        const std::uint32_t bytes_per_sector = detail::le16(b + 11);
        if (!detail::power_of_two(bytes_per_sector) || bytes_per_sector < 512 || bytes_per_sector > 4096)
            co_return std::unexpected(Reason::bad_bytes_per_sector);
        const std::uint32_t sectors_per_cluster = static_cast<std::uint8_t>(b[13]);
        if (!detail::power_of_two(sectors_per_cluster))
            co_return std::unexpected(Reason::bad_sectors_per_cluster);
        if (bytes_per_sector * sectors_per_cluster > 65536)
            co_return std::unexpected(Reason::bad_cluster_size);
        const std::uint32_t reserved = detail::le16(b + 14);
        if (reserved == 0)
            co_return std::unexpected(Reason::bad_reserved_sectors);
        const std::uint32_t fat_count = static_cast<std::uint8_t>(b[16]);
        if (fat_count == 0)
            co_return std::unexpected(Reason::bad_fat_count);
        const std::uint32_t root_entries = detail::le16(b + 17);
        const std::uint32_t total16 = detail::le16(b + 19);
        const std::uint32_t total32 = detail::le32(b + 32);
        if ((total16 == 0 && total32 == 0) || (total16 != 0 && total32 != 0 && total16 != total32))
            co_return std::unexpected(Reason::bad_total_sectors);
        const std::uint64_t total = total16 != 0 ? total16 : total32;
        const std::uint32_t fat_size16 = detail::le16(b + 22);
        const std::uint32_t fat_size = fat_size16 != 0 ? fat_size16 : detail::le32(b + 36);
        if (fat_size == 0)
            co_return std::unexpected(Reason::bad_fat_size);
        const std::uint64_t root_sectors = (std::uint64_t{root_entries} * 32 + bytes_per_sector - 1) / bytes_per_sector;
        const std::uint64_t data_start = reserved + std::uint64_t{fat_count} * fat_size + root_sectors;
        if (data_start >= total)
            co_return std::unexpected(Reason::no_data_area);
        const std::uint64_t clusters = (total - data_start) / sectors_per_cluster;
        if (clusters == 0)
            co_return std::unexpected(Reason::no_data_area);
        volume.type_ = clusters < 4085 ? Type::fat12 : clusters < 65525 ? Type::fat16 : Type::fat32;
        if (clusters > 0x0ffffff5)
            co_return std::unexpected(Reason::cluster_out_of_range);
        if ((volume.type_ == Type::fat32) != (root_entries == 0))
            co_return std::unexpected(Reason::bad_root_entry_count);
        if (volume.type_ == Type::fat32 && fat_size16 != 0)
            co_return std::unexpected(Reason::bad_fat_size);
        const unsigned bits = volume.type_ == Type::fat12 ? 12 : volume.type_ == Type::fat16 ? 16 : 32;
        if (std::uint64_t{fat_size} * bytes_per_sector * 8 < (clusters + 2) * bits)
            co_return std::unexpected(Reason::fat_too_small);
        if (total * bytes_per_sector > device_bytes)
            co_return std::unexpected(Reason::volume_larger_than_device);
        volume.bytes_per_sector_ = bytes_per_sector;
        volume.cluster_bytes_ = bytes_per_sector * sectors_per_cluster;
        volume.cluster_count_ = static_cast<std::uint32_t>(clusters);
        volume.fat_offset_ = std::uint64_t{reserved} * bytes_per_sector;
        volume.root_offset_ = (reserved + std::uint64_t{fat_count} * fat_size) * bytes_per_sector;
        volume.root_entries_ = root_entries;
        volume.data_offset_ = data_start * bytes_per_sector;
        if (volume.type_ == Type::fat32) {
            if (detail::le16(b + 42) != 0)
                co_return std::unexpected(Reason::bad_fs_version);
            volume.root_cluster_ = detail::le32(b + 44) & 0x0fffffff;
            if (!volume.valid_cluster(volume.root_cluster_))
                co_return std::unexpected(Reason::bad_root_cluster);
        }
        co_return volume;
    }

    /// The FAT type.
    Type type() const noexcept { return type_; }
    /// The bytes of a sector.
    std::uint32_t bytes_per_sector() const noexcept { return bytes_per_sector_; }
    /// The bytes of a cluster.
    std::uint32_t cluster_bytes() const noexcept { return cluster_bytes_; }
    /// The number of data clusters (numbered 2 to cluster_count() + 1).
    std::uint32_t cluster_count() const noexcept { return cluster_count_; }
    /// The root directory's first cluster (FAT32), 0 on FAT12/16 (a fixed area).
    std::uint32_t root_cluster() const noexcept { return root_cluster_; }
    /// The entries of FAT12/16's fixed root directory (0 on FAT32).
    std::uint32_t root_entry_count() const noexcept { return root_entries_; }
    /// The device.
    Device &device() const noexcept { return *device_; }

    /// Whether `cluster` is a data cluster of the volume.
    bool valid_cluster(std::uint32_t cluster) const noexcept {
        return cluster >= 2 && cluster - 2u < cluster_count_;
    }
    /// The device byte where data cluster `cluster` (valid) starts.
    std::uint64_t cluster_offset(std::uint32_t cluster) const noexcept {
        return data_offset_ + std::uint64_t{cluster - 2u} * cluster_bytes_;
    }
    /// The device byte where FAT12/16's fixed root directory starts.
    std::uint64_t root_offset() const noexcept { return root_offset_; }

    /// The cluster after `cluster` (valid) in its chain from the first FAT, std::nullopt at
    /// the chain's end; Reason::free_cluster_in_chain, bad_cluster_in_chain or
    /// cluster_out_of_range for an entry that cannot continue a chain.
    async::Task<Result<std::optional<std::uint32_t>>> next_cluster(std::uint32_t cluster) {
        std::array<std::byte, 4> raw{};
        std::uint32_t value = 0;
        std::uint32_t end = 0;
        if (type_ == Type::fat12) {
            if (auto got = co_await read_bytes(fat_offset_ + cluster + cluster / 2, std::span(raw).first(2)); !got)
                co_return std::unexpected(got.error());
            value = detail::le16(raw.data());
            value = (cluster & 1) ? value >> 4 : value & 0x0fff;
            end = 0x0ff8;
        } else if (type_ == Type::fat16) {
            if (auto got = co_await read_bytes(fat_offset_ + std::uint64_t{cluster} * 2, std::span(raw).first(2)); !got)
                co_return std::unexpected(got.error());
            value = detail::le16(raw.data());
            end = 0xfff8;
        } else {
            if (auto got = co_await read_bytes(fat_offset_ + std::uint64_t{cluster} * 4, raw); !got)
                co_return std::unexpected(got.error());
            value = detail::le32(raw.data()) & 0x0fffffff;
            end = 0x0ffffff8;
        }
        if (value >= end)
            co_return std::nullopt;
        if (value == end - 1)
            co_return std::unexpected(Reason::bad_cluster_in_chain);
        if (value == 0)
            co_return std::unexpected(Reason::free_cluster_in_chain);
        if (!valid_cluster(value))
            co_return std::unexpected(Reason::cluster_out_of_range);
        co_return value;
    }

    /// The root directory, as a File (is_directory()).
    File<Device, MaxBlockBytes> root() noexcept {
        Entry entry;
        entry.attributes = attribute::directory;
        entry.first_cluster = root_cluster_;
        return File<Device, MaxBlockBytes>(*this, entry, true);
    }

    /// The file or directory that `entry` (from a Directory of this volume) describes.
    File<Device, MaxBlockBytes> file(const Entry &entry) noexcept {
        if (entry.is_directory() && entry.first_cluster == 0)
            return root();
        return File<Device, MaxBlockBytes>(*this, entry, false);
    }

    /// The file or directory at `path`: components separated by '/', compared with each
    /// entry's long and 8.3 names ignoring ASCII case; empty components and "." are skipped
    /// (so "/" and "" are the root). Reason::not_found, not_a_directory (a component after a
    /// file), bad_path ("..", or a component of more than max_name_bytes bytes), or what
    /// reading the directories found.
    async::Task<Result<File<Device, MaxBlockBytes>>> open(std::string_view path) {
        File<Device, MaxBlockBytes> current = root();
        while (!path.empty()) {
            const std::size_t slash = path.find('/');
            const std::string_view component = path.substr(0, slash);
            path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
            if (component.empty() || component == ".")
                continue;
            if (component == ".." || component.size() > max_name_bytes)
                co_return std::unexpected(Reason::bad_path);
            auto directory = current.directory();
            if (!directory)
                co_return std::unexpected(directory.error());
            bool found = false;
            while (!found) {
                auto entry = co_await directory->next();
                if (!entry)
                    co_return std::unexpected(entry.error());
                if (!*entry)
                    co_return std::unexpected(Reason::not_found);
                const Entry &e = **entry;
                if (equal_ignoring_case(e.name(), component) || equal_ignoring_case(e.short_name(), component)) {
                    current = file(e);
                    found = true;
                }
            }
        }
        co_return current;
    }

    /// The directory at `path` (see open()); Reason::not_a_directory for a file.
    async::Task<Result<Directory<Device, MaxBlockBytes>>> open_directory(std::string_view path) {
        auto file = co_await open(path);
        if (!file)
            co_return std::unexpected(file.error());
        co_return file->directory();
    }

    /// Fills `buffer` with the device's bytes from `offset` (the device's error as
    /// Reason::device).
    async::Task<Result<void>> read_bytes(std::uint64_t offset, std::span<std::byte> buffer) {
        block::ByteReader<Device, MaxBlockBytes> reader(*device_);
        auto got = co_await block::checked(reader.read(offset, buffer));
        if (!got)
            co_return std::unexpected(Error(got.error()));
        co_return Result<void>{};
    }

private:
    explicit Volume(Device &device) noexcept : device_(&device) {}

    Device *device_;
    Type type_ = Type::fat12;
    std::uint32_t bytes_per_sector_ = 512;
    std::uint32_t cluster_bytes_ = 512;
    std::uint32_t cluster_count_ = 0;
    std::uint32_t root_cluster_ = 0;
    std::uint32_t root_entries_ = 0;
    std::uint64_t fat_offset_ = 0;
    std::uint64_t root_offset_ = 0;
    std::uint64_t data_offset_ = 0;
};

} // namespace sel4::fat
