// Compiles <sel4/http.hpp> and <sel4/http/fat_site.hpp> in this world with the flags of target
// code (-fno-exceptions -fno-rtti -Wall -Wextra -Werror) and instantiates serve() and
// write_busy() as a Microkit server PD uses them: a transport of sel4::net's shape, the
// FatSite over a partition of a cache of the virtio-blk queue device.
#include <sel4/http.hpp>
#include <sel4/http/fat_site.hpp>

#include <sel4/block.hpp>

#include <expected>

namespace sel4::http {

using CachedPartition = block::Partition<block::BlockCache<block::QueueBlockDevice<8>, 64>>;
template class FatSite<CachedPartition>;

namespace check {

struct Transport {
    async::Task<std::expected<std::size_t, int>> read(std::span<std::byte> buffer);
    async::Task<std::expected<void, int>> write_all(std::span<const std::byte> bytes);
};

async::Task<void> connection(Transport &transport, FatSite<CachedPartition> &site, const Config &config, Stats &stats) {
    co_await serve(transport, site, config, stats);
}

async::Task<bool> busy(Transport &transport, const Config &config, Stats &stats) {
    co_return co_await write_busy(transport, config, stats);
}

} // namespace check
} // namespace sel4::http
