// What the FAT tests share: an executor per test that runs a task to its end, images made by
// mkfs.fat and mtools in a scratch directory, and a RAM disk over an image's bytes.
#pragma once

#include <sel4/async/executor.hpp>
#include <sel4/async/frame_pool.hpp>
#include <sel4/async/task.hpp>
#include <sel4/block/ram_device.hpp>
#include <sel4/fat.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fat_test {

namespace async = sel4::async;
namespace blk = sel4::block;
namespace fat = sel4::fat;

using Volume = fat::Volume<blk::RamBlockDevice, 512>;

class Fixture : public testing::Test {
protected:
    async::FramePool<1024 * 1024> pool;
    async::Executor executor;

    template <class T> T run(async::Task<T> task) {
        auto handle = executor.spawn(std::move(task));
        EXPECT_TRUE(handle.has_value());
        executor.run_until_stalled();
        EXPECT_TRUE(handle->done()) << "the task did not finish";
        return handle->take();
    }
};

// Runs a shell command with mtools' environment; gives its exit status.
inline int shell(const std::string &command) {
    const std::string full = "MTOOLS_SKIP_CHECK=1 LC_ALL=C.UTF-8 " + command + " >/dev/null 2>&1";
    return std::system(full.c_str());
}

inline std::string quote(const std::string &s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

// A scratch directory of its own under the build directory's temporary folder.
inline std::filesystem::path scratch(const std::string &name) {
    auto dir = std::filesystem::temp_directory_path() / ("sel4-fat-test-" + std::to_string(::getpid())) / name;
    std::filesystem::create_directories(dir);
    return dir;
}

// Deterministic file contents: `size` bytes of the stream `seed`.
inline std::vector<std::byte> content(std::size_t size, std::uint32_t seed) {
    std::vector<std::byte> bytes(size);
    std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    for (std::byte &b : bytes) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b = std::byte(static_cast<std::uint8_t>(x >> 24));
    }
    return bytes;
}

inline void write_host_file(const std::filesystem::path &path, const std::vector<std::byte> &bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

inline std::vector<std::byte> read_host_file(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> bytes(chars.size());
    std::memcpy(bytes.data(), chars.data(), chars.size());
    return bytes;
}

// An image file being built with mkfs.fat and mtools, at `offset` bytes into the file (for
// partitioned images).
class Image {
public:
    Image(std::filesystem::path path, std::uint64_t offset = 0) : path_(std::move(path)), offset_(offset) {}

    // mkfs.fat over a new file of `kib` KiB with `options` (e.g. "-F 12 -s 4").
    bool format(std::uint64_t kib, const std::string &options) {
        std::filesystem::remove(path_);
        return shell(std::string(FAT_TEST_MKFS) + " -C " + options + " " + quote(path_.string()) + " " +
                     std::to_string(kib)) == 0;
    }
    // Copies `bytes` to `target` (an absolute path on the image); remembers what it wrote.
    bool put(const std::string &target, const std::vector<std::byte> &bytes) {
        const auto host = path_.string() + ".put";
        write_host_file(host, bytes);
        return shell("mcopy -o -i " + image() + " " + quote(host) + " " + quote("::" + target)) == 0;
    }
    bool mkdir(const std::string &target) { return shell("mmd -i " + image() + " " + quote("::" + target)) == 0; }
    bool remove(const std::string &target) { return shell("mdel -i " + image() + " " + quote("::" + target)) == 0; }
    std::vector<std::byte> bytes() const { return read_host_file(path_); }
    const std::filesystem::path &path() const { return path_; }

private:
    std::string image() const {
        return offset_ == 0 ? quote(path_.string()) : quote(path_.string() + "@@" + std::to_string(offset_));
    }
    std::filesystem::path path_;
    std::uint64_t offset_;
};

} // namespace fat_test
