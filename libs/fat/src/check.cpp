// Compiles <sel4/fat.hpp> in this world with the flags of target code (-fno-exceptions
// -fno-rtti -Wall -Wextra -Werror) and instantiates its templates with the devices a file
// server PD uses: a partition of a cache of the virtio-blk queue device, and a RAM disk.
#include <sel4/fat.hpp>

#include <sel4/block.hpp>

namespace sel4::fat {

using CachedPartition = block::Partition<block::BlockCache<block::QueueBlockDevice<16>, 32>>;

template class Volume<CachedPartition>;
template class File<CachedPartition>;
template class Directory<CachedPartition>;
template class Volume<block::RamBlockDevice, 512>;
template class File<block::RamBlockDevice, 512>;
template class Directory<block::RamBlockDevice, 512>;

namespace check {

async::Task<Result<std::size_t>> serve(CachedPartition &partition, std::span<std::byte> buffer) {
    auto volume = co_await Volume<CachedPartition>::mount(partition);
    if (!volume)
        co_return std::unexpected(volume.error());
    auto file = co_await volume->open("/index.html");
    if (!file)
        co_return std::unexpected(file.error());
    co_return co_await file->read(0, buffer);
}

} // namespace check
} // namespace sel4::fat
