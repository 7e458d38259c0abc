// The RAM disk PD of async.block-cache: fills its private 1 MiB region with the disk's
// contents (disk.hpp: an MBR with two partitions, every other byte disk_byte()), publishes
// the storage information, and serves its client's sDDF block requests from the region with
// sel4::block::QueueServer: each notification serves every request there is, then one
// deferred notify tells the client about the responses.
#include "disk.hpp"

#include <sel4/block/server.hpp>
#include <sel4/block/storage_info.hpp>
#include <sel4/debug.hpp>
#include <sel4/drivers/blk/regions.hpp>
#include <sel4/queue/blk.hpp>
#include <sel4/runtime/abort.hpp>

#include <cstring>
#include <span>

using namespace block_cache;
namespace blk = sel4::block;

SEL4_MICROKIT_VARIABLE(disk_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(disk_size, sel4::Word)

namespace {

[[noreturn]] void fail(const char *what) noexcept {
    sel4::debug::println("block-cache: FAIL: server: {}", what);
    sel4_runtime::fatal("block-cache server: ", what);
}

sel4::queue::blk::QueuePair attach_queues() noexcept {
    const sel4::drivers::blk::Regions regions = sel4::drivers::blk::regions();
    auto queues = sel4::queue::blk::QueuePair::attach(regions.requests, regions.responses, queue_capacity);
    if (!queues)
        fail(sel4::queue::describe(queues.error()));
    return *queues;
}

std::span<std::byte> make_disk() noexcept {
    const sm::Region memory = region(disk_vaddr, disk_size);
    if (memory.size != disk_blocks * block_bytes)
        fail("the disk region is not 1 MiB");
    std::span<std::byte> disk(memory.base, memory.size);
    for (std::size_t i = 0; i < disk.size(); ++i)
        disk[i] = disk_byte(i);
    blk::write_mbr(disk.first<blk::mbr_bytes>(), partitions, 0xc0ffee00);
    return disk;
}

class Server : public mk::Handler {
public:
    Server() : backend_(make_disk()), server_(attach_queues(), sel4::drivers::blk::regions().data, disk_blocks) {
        auto info = blk::SharedStorageInfo::attach(sel4::drivers::blk::regions().info);
        if (!info)
            fail("the storage information does not fit its region");
        blk::StorageInfo published{.sector_size = 512, .block_size = 1, .queue_depth = queue_capacity,
                                   .capacity = disk_blocks};
        std::memcpy(published.serial_number, "cpp-sel4 ramdisk", 17);
        info->publish(published);
        sel4::debug::println("block-cache: server: {} blocks of {} bytes, ready", disk_blocks, block_bytes);
        peer.defer_notify();
    }

    void notified(mk::ChannelSet channels) {
        if (!channels.contains(peer))
            fail("a notification from another channel");
        server_.serve(backend_);
        if (server_.take_responded())
            peer.defer_notify();
    }

private:
    blk::MemoryBackend backend_;
    blk::QueueServer server_;
};

Server make_server() { return Server(); }

} // namespace

SEL4_MICROKIT_PD(make_server)
