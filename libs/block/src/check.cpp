// Compiles every header of sel4-block in this world with the flags of target code
// (-fno-exceptions -fno-rtti -Wall -Wextra -Werror) and instantiates each template with
// the types a block client and a block server PD use.
#include <sel4/block.hpp>

#include <sel4/async/executor.hpp>

namespace sel4::block {

template class QueueBlockDevice<16>;
template class BlockCache<QueueBlockDevice<16>, 32>;
template class BlockCache<RamBlockDevice, 8, 512>;
template class Partition<BlockCache<QueueBlockDevice<16>, 32>>;
template class Partition<QueueBlockDevice<16>>;
template class ByteReader<Partition<BlockCache<QueueBlockDevice<16>, 32>>>;
template class ByteReader<QueueBlockDevice<16>>;
template class SequentialReader<Partition<BlockCache<QueueBlockDevice<16>, 32>>>;
template class SequentialReader<RamBlockDevice, 512>;

static_assert(BlockDevice<QueueBlockDevice<16>>);
static_assert(BlockDevice<RamBlockDevice>);
static_assert(PartialReadDevice<BlockCache<QueueBlockDevice<16>, 32>>);
static_assert(PartialReadDevice<Partition<BlockCache<QueueBlockDevice<16>, 32>>>);
static_assert(BlockDevice<Partition<QueueBlockDevice<16>>> && !PartialReadDevice<Partition<QueueBlockDevice<16>>>);

namespace check {

async::Task<Result<void>> client(BlockCache<QueueBlockDevice<16>, 32> &cache) {
    auto mbr = co_await read_mbr(cache);
    if (!mbr)
        co_return std::unexpected(mbr.error().reason);
    co_return co_await checked(cache.flush());
}

std::size_t server(QueueServer &server, MemoryBackend &backend) { return server.serve(backend); }

} // namespace check
} // namespace sel4::block
