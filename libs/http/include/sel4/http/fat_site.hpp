/// @file
/// sel4::http::FatSite: a Site (see sel4/http.hpp) over a mounted sel4::fat::Volume, serving
/// the files under one directory of it (the document root). A request's path is normalised
/// before it gets here (no "..", no escapes), and joined to the root, so nothing outside the
/// root is reachable. Last-Modified is the FAT's modification time, read as UTC.
#pragma once

#include <sel4/fat.hpp>
#include <sel4/http.hpp>

#include <array>
#include <cstring>

namespace sel4::http {

/// The Site of the files under one directory of a FAT volume on `Device` (see the file's comment).
template <block::BlockDevice Device, std::size_t MaxBlockBytes = 4096> class FatSite {
public:
    /// An open file of the volume.
    using File = fat::File<Device, MaxBlockBytes>;

    /// The files under `root` ("/site"; "" or "/" for the whole volume) of `volume`, which
    /// must outlive the site.
    FatSite(fat::Volume<Device, MaxBlockBytes> &volume, std::string_view root) noexcept : volume_(&volume) {
        while (!root.empty() && root.back() == '/')
            root.remove_suffix(1);
        root_length_ = std::min(root.size(), root_.size());
        std::memcpy(root_.data(), root.data(), root_length_);
    }

    /// What is at `path` (normalised: "/a/b") under the root.
    async::Task<Found<File>> open(std::string_view path) {
        std::array<char, max_root_bytes + max_path_bytes> full;
        std::memcpy(full.data(), root_.data(), root_length_);
        std::memcpy(full.data() + root_length_, path.data(), path.size());
        auto file = co_await volume_->open(std::string_view(full.data(), root_length_ + path.size()));
        if (!file) {
            const fat::Reason why = file.error().reason;
            const bool missing = why == fat::Reason::not_found || why == fat::Reason::not_a_directory ||
                                 why == fat::Reason::bad_path;
            co_return Found<File>::of(missing ? Kind::missing : Kind::failed);
        }
        if (file->is_directory())
            co_return Found<File>::of(Kind::directory);
        const std::optional<std::int64_t> modified =
            file->modified().valid() ? std::optional(file->modified().unix_seconds()) : std::nullopt;
        const std::uint64_t size = file->size();
        co_return Found<File>::of_file(std::move(*file), size, modified);
    }

    /// The bytes of `file` from `offset` (fewer at its end).
    async::Task<fat::Result<std::size_t>> read(File &file, std::uint64_t offset, std::span<std::byte> buffer) {
        co_return co_await file.read(offset, buffer);
    }

private:
    static constexpr std::size_t max_root_bytes = 256;
    fat::Volume<Device, MaxBlockBytes> *volume_;
    std::array<char, max_root_bytes> root_{};
    std::size_t root_length_ = 0;
};

} // namespace sel4::http
