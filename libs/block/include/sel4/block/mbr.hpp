/// @file
/// The Master Boot Record: the partition table in a disk's first sector, parsed and checked,
/// and written (for RAM disks and tests).
///
/// The layout (the IBM PC's, as every MBR tool writes it):
///   - bytes 0..445: boot code (ignored), of which 440..443 are the disk signature;
///   - bytes 446..509: four 16-byte primary partition entries;
///   - bytes 510, 511: the signature 0x55 0xAA.
///
/// An entry: status (0x80 bootable, 0x00 not), the first sector as cylinder/head/sector (3
/// bytes, ignored: LBA is the truth), the partition type (0 = unused entry), the last
/// sector as CHS (ignored), the first sector's LBA (32-bit little endian) and the number of
/// sectors (32-bit little endian). LBAs count the disk's logical sectors (512 bytes on the
/// disks this is for; the sector size is a parameter where bytes are concerned).
///
/// Logical partitions inside an extended partition (types 0x05, 0x0F, 0x85) are not followed:
/// the extended partition itself is reported. A GPT disk shows one protective entry of type
/// 0xEE, which is reported (gpt()) with its end clamped to the disk, as such entries may claim
/// the largest size the field holds.
#pragma once

#include <sel4/block/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <span>

namespace sel4::block {

/// The bytes of an MBR: one 512-byte sector.
inline constexpr std::size_t mbr_bytes = 512;
/// Where the partition table starts.
inline constexpr std::size_t mbr_table_offset = 446;
/// The size of one partition entry.
inline constexpr std::size_t mbr_entry_bytes = 16;
/// The number of primary partition entries.
inline constexpr std::size_t mbr_entries = 4;
/// Where the disk signature (a 32-bit number, not the 0x55AA) is.
inline constexpr std::size_t mbr_disk_id_offset = 440;
/// The partition type of a GPT's protective entry.
inline constexpr std::uint8_t mbr_type_gpt_protective = 0xee;

/// One used primary partition entry.
struct MbrPartition {
    std::uint8_t index = 0;         ///< Its entry in the table, 0..3.
    bool bootable = false;          ///< The status byte was 0x80.
    std::uint8_t type = 0;          ///< The partition type (0x0c FAT32 LBA, 0x83 Linux, ...), never 0.
    std::uint32_t first_sector = 0; ///< The LBA of its first sector.
    std::uint32_t sector_count = 0; ///< Its number of sectors.

    /// The LBA one past its last sector.
    constexpr std::uint64_t end_sector() const noexcept {
        return std::uint64_t{first_sector} + sector_count;
    }
    /// Whether it is an extended partition (a container of logical partitions, not followed).
    constexpr bool extended() const noexcept { return type == 0x05 || type == 0x0f || type == 0x85; }

    /// Equal entries.
    friend constexpr bool operator==(const MbrPartition &, const MbrPartition &) = default;
};

/// Why an MBR was refused, and which entries (0..3) it is about: `entry` the offending one,
/// `other` the one it overlaps (Error::partitions_overlap); `no_entry` where none.
struct MbrError {
    /// What `entry` and `other` hold when they name no entry.
    static constexpr std::uint8_t no_entry = 0xff;

    Error reason = Error::bad_signature; ///< What is wrong.
    std::uint8_t entry = no_entry;       ///< The entry that is wrong.
    std::uint8_t other = no_entry;       ///< The entry it overlaps.

    /// Equal errors.
    friend constexpr bool operator==(const MbrError &, const MbrError &) = default;
};

/// A sentence for the error's reason, for logs (the entries are in the fields).
constexpr const char *describe(const MbrError &error) noexcept { return describe(error.reason); }

/// A parsed, checked partition table: the used entries in table order.
///
/// ```cpp
/// auto mbr = Mbr::parse(sector0, disk_sectors);
/// if (!mbr) log("{} (entry {})", describe(mbr.error()), mbr.error().entry);
/// for (const MbrPartition &p : mbr->partitions()) ...
/// ```
class Mbr {
public:
    /// Parses sector 0 of a disk of `disk_sectors` sectors. Refuses (in this order, entry by
    /// entry): a missing 0x55AA signature, a status byte other than 0x00/0x80 in a used entry,
    /// a used entry of 0 sectors, one that starts in sector 0 (the MBR's own) or ends past the
    /// disk, and two used entries that overlap. Unused entries (type 0) are skipped whatever
    /// their other bytes hold.
    static constexpr std::expected<Mbr, MbrError> parse(std::span<const std::byte, mbr_bytes> sector,
                                                        std::uint64_t disk_sectors) noexcept {
        if (sector[510] != std::byte{0x55} || sector[511] != std::byte{0xaa})
            return std::unexpected(MbrError{Error::bad_signature});
        Mbr mbr;
        mbr.disk_id_ = load_le32(sector.subspan<mbr_disk_id_offset, 4>());
        for (std::uint8_t i = 0; i < mbr_entries; ++i) {
            auto entry = sector.subspan(mbr_table_offset + i * mbr_entry_bytes).first<mbr_entry_bytes>();
            const auto status = static_cast<std::uint8_t>(entry[0]);
            MbrPartition partition{
                .index = i,
                .bootable = status == 0x80,
                .type = static_cast<std::uint8_t>(entry[4]),
                .first_sector = load_le32(entry.subspan<8, 4>()),
                .sector_count = load_le32(entry.subspan<12, 4>()),
            };
            if (partition.type == 0)
                continue;
            if (status != 0x00 && status != 0x80)
                return std::unexpected(MbrError{Error::bad_status, i});
            if (partition.sector_count == 0)
                return std::unexpected(MbrError{Error::empty_partition, i});
            if (partition.type == mbr_type_gpt_protective) {
                mbr.gpt_ = true;
                if (partition.first_sector < disk_sectors && partition.end_sector() > disk_sectors)
                    partition.sector_count = static_cast<std::uint32_t>(disk_sectors - partition.first_sector);
            }
            if (partition.first_sector == 0 || partition.end_sector() > disk_sectors)
                return std::unexpected(MbrError{Error::partition_outside, i});
            for (std::size_t j = 0; j < mbr.count_; ++j) {
                const MbrPartition &earlier = mbr.used_[j];
                if (partition.first_sector < earlier.end_sector() && earlier.first_sector < partition.end_sector())
                    return std::unexpected(MbrError{Error::partitions_overlap, i, earlier.index});
            }
            mbr.used_[mbr.count_++] = partition;
        }
        return mbr;
    }

    /// The used entries, in table order.
    constexpr std::span<const MbrPartition> partitions() const noexcept { return {used_.data(), count_}; }

    /// The used entry at table index `index` (0..3), or Error::no_partition.
    constexpr Result<MbrPartition> entry(std::size_t index) const noexcept {
        for (const MbrPartition &partition : partitions())
            if (partition.index == index)
                return partition;
        return std::unexpected(Error::no_partition);
    }

    /// The disk signature (bytes 440..443, little endian).
    constexpr std::uint32_t disk_id() const noexcept { return disk_id_; }

    /// Whether the table is a GPT's protective MBR (an entry of type 0xEE).
    constexpr bool gpt() const noexcept { return gpt_; }

private:
    constexpr Mbr() noexcept = default;

    static constexpr std::uint32_t load_le32(std::span<const std::byte, 4> bytes) noexcept {
        return std::uint32_t(bytes[0]) | std::uint32_t(bytes[1]) << 8 | std::uint32_t(bytes[2]) << 16 |
               std::uint32_t(bytes[3]) << 24;
    }

    std::array<MbrPartition, mbr_entries> used_{};
    std::uint8_t count_ = 0;
    bool gpt_ = false;
    std::uint32_t disk_id_ = 0;
};

/// Writes an MBR into `sector`: the boot code zeroed, `disk_id`, the entries of `partitions`
/// at their `index` (entries not given are zero, i.e. unused), their CHS fields set to the
/// "use LBA" value (0xFE 0xFF 0xFF), and the signature. Does not check the table: parse it
/// for that (tests write malformed tables on purpose).
constexpr void write_mbr(std::span<std::byte, mbr_bytes> sector, std::span<const MbrPartition> partitions,
                         std::uint32_t disk_id = 0) noexcept {
    for (std::byte &b : sector)
        b = std::byte{0};
    auto store_le32 = [](std::span<std::byte> to, std::uint32_t value) {
        for (std::size_t i = 0; i < 4; ++i)
            to[i] = std::byte(value >> (8 * i));
    };
    store_le32(sector.subspan(mbr_disk_id_offset, 4), disk_id);
    for (const MbrPartition &partition : partitions) {
        if (partition.index >= mbr_entries)
            continue;
        auto entry = sector.subspan(mbr_table_offset + partition.index * mbr_entry_bytes, mbr_entry_bytes);
        entry[0] = std::byte{partition.bootable ? std::uint8_t{0x80} : std::uint8_t{0x00}};
        entry[1] = entry[5] = std::byte{0xfe};
        entry[2] = entry[3] = entry[6] = entry[7] = std::byte{0xff};
        entry[4] = std::byte{partition.type};
        store_le32(entry.subspan(8, 4), partition.first_sector);
        store_le32(entry.subspan(12, 4), partition.sector_count);
    }
    sector[510] = std::byte{0x55};
    sector[511] = std::byte{0xaa};
}

} // namespace sel4::block
