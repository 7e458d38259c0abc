// QueueBlockDevice against a RAM server (QueueServer + MemoryBackend) over real sDDF queues in
// host memory, all on one executor: the server is a task woken by the client's notify, the
// client's poll a task woken by the server's. Several requests out at once, more tasks than
// slots, transfers split over slots, sDDF statuses mapped to errors, bogus responses,
// cancellation, the server's checks of malformed requests, the storage information, and the
// whole stack (cache, MBR, partition, byte reads) over the queues.
#include "support.hpp"

#include <sel4/queue/blk.hpp>
#include <sel4/shared_memory.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <vector>

namespace {

using namespace block_test;
using blk::Error;
namespace q = sel4::queue::blk;
namespace sm = sel4::shared_memory;

constexpr std::size_t block = q::transfer_size;
constexpr sel4::Word server_bit = 1u << 0;
constexpr sel4::Word client_bit = 1u << 1;

// The shared memory of one client and its server, 4 KiB aligned as Microkit maps it.
struct Shared {
    alignas(4096) std::array<std::byte, 4096> requests{};
    alignas(4096) std::array<std::byte, 4096> responses{};
    alignas(4096) std::array<std::byte, 4096> info{};
    alignas(4096) std::array<std::byte, 16 * block> data{};
};

template <std::size_t Slots> struct Rig {
    explicit Rig(async::Executor &executor, std::size_t disk_blocks = 64, std::uint32_t capacity = 16,
                 std::size_t data_bytes = 16 * block)
        : executor(executor), shared(std::make_unique<Shared>()), disk(disk_blocks * block),
          server(*q::QueuePair::attach(region(shared->requests), region(shared->responses), capacity),
                 sm::Region{shared->data.data(), data_bytes}, disk_blocks),
          backend(disk),
          device({.queues = *q::QueuePair::attach(region(shared->requests), region(shared->responses), capacity),
                  .data = sm::Region{shared->data.data(), data_bytes},
                  .block_count = disk_blocks,
                  .notify = {.function = &notify, .context = this}}) {
        fill(disk);
    }

    static sm::Region region(std::array<std::byte, 4096> &bytes) { return {bytes.data(), bytes.size()}; }

    static void notify(void *context) noexcept {
        auto &rig = *static_cast<Rig *>(context);
        ++rig.notifies;
        rig.executor.wake(server_bit);
    }

    // The server PD and the client's notification handler, as tasks.
    void start() {
        server_task = *executor.spawn(serve(*this));
        poll_task = *executor.spawn(poll(*this));
    }
    static async::Task<void> serve(Rig &rig) {
        for (;;) {
            co_await rig.executor.wait(server_bit);
            if (rig.serving) // off: the test answers by hand
                rig.server.serve(rig.backend);
            if (rig.server.take_responded())
                rig.executor.wake(client_bit);
        }
    }
    static async::Task<void> poll(Rig &rig) {
        for (;;) {
            co_await rig.executor.wait(client_bit);
            rig.device.poll();
        }
    }

    async::Executor &executor;
    std::unique_ptr<Shared> shared;
    std::vector<std::byte> disk;
    blk::QueueServer server;
    blk::MemoryBackend backend;
    blk::QueueBlockDevice<Slots> device;
    bool serving = true;
    int notifies = 0;
    async::JoinHandle<void> server_task;
    async::JoinHandle<void> poll_task;
};

class QueueDevice : public Fixture {};

TEST_F(QueueDevice, ReadsAndWritesThroughTheQueues) {
    Rig<4> rig(executor);
    rig.start();
    EXPECT_EQ(rig.device.block_size(), 4096u);
    EXPECT_EQ(rig.device.block_count(), 64u);
    EXPECT_EQ(rig.device.slot_bytes(), 4 * block);
    std::vector<std::byte> out(3 * block);
    ASSERT_TRUE(run(rig.device.read(10, out)).has_value());
    EXPECT_TRUE(std::equal(out.begin(), out.end(), rig.disk.begin() + 10 * block));
    std::vector<std::byte> data(2 * block);
    fill(data, 0, 99);
    ASSERT_TRUE(run(rig.device.write(62, data)).has_value());
    EXPECT_TRUE(std::equal(data.begin(), data.end(), rig.disk.begin() + 62 * block));
    ASSERT_TRUE(run(rig.device.flush()).has_value());
    EXPECT_EQ(rig.device.stats().requests, 3u);
    EXPECT_EQ(rig.device.stats().responses, 3u);
    EXPECT_EQ(rig.notifies, 3);
    EXPECT_EQ(rig.server.stats().requests, 3u);
    EXPECT_EQ(rig.device.in_flight(), 0u);
}

TEST_F(QueueDevice, ChecksRangesBeforeSending) {
    Rig<4> rig(executor);
    rig.start();
    std::vector<std::byte> out(2 * block);
    EXPECT_EQ(run(rig.device.read(63, out)).error(), Error::out_of_range);
    EXPECT_EQ(run(rig.device.read(0, std::span(out).first(512))).error(), Error::not_whole_blocks);
    EXPECT_EQ(run(rig.device.write(64, std::span(out).first(block))).error(), Error::out_of_range);
    EXPECT_TRUE(run(rig.device.read(64, std::span(out).first(0))).has_value());
    EXPECT_EQ(rig.device.stats().requests, 0u);
}

TEST_F(QueueDevice, ManyRequestsOutAtOnce) {
    Rig<8> rig(executor);
    rig.start();
    std::array<std::vector<std::byte>, 8> out;
    std::vector<async::JoinHandle<blk::Result<void>>> readers;
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].resize(block);
        readers.push_back(*executor.spawn(rig.device.read(7 * i, out[i])));
    }
    executor.run_until_stalled();
    for (std::size_t i = 0; i < out.size(); ++i) {
        ASSERT_TRUE(readers[i].done());
        EXPECT_TRUE(readers[i].take().has_value());
        EXPECT_TRUE(std::equal(out[i].begin(), out[i].end(), rig.disk.begin() + static_cast<std::ptrdiff_t>(7 * i * block)));
    }
    EXPECT_EQ(rig.device.stats().max_in_flight, 8u);
    EXPECT_EQ(rig.server.stats().requests, 8u);
    EXPECT_LT(rig.notifies, 9) << "the server was woken once for them all (pending bits)";
}

TEST_F(QueueDevice, MoreTasksThanSlotsWaitForOne) {
    Rig<2> rig(executor);
    rig.start();
    std::array<std::vector<std::byte>, 7> out;
    std::vector<async::JoinHandle<blk::Result<void>>> tasks;
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].resize(block);
        if (i % 2 == 0) {
            tasks.push_back(*executor.spawn(rig.device.read(i, out[i])));
        } else {
            fill(out[i], 0, static_cast<std::uint32_t>(i));
            tasks.push_back(*executor.spawn(rig.device.write(40 + i, out[i])));
        }
    }
    executor.run_until_stalled();
    for (std::size_t i = 0; i < out.size(); ++i) {
        ASSERT_TRUE(tasks[i].done()) << i;
        EXPECT_TRUE(tasks[i].take().has_value());
        const std::size_t at = (i % 2 == 0 ? i : 40 + i) * block;
        EXPECT_TRUE(std::equal(out[i].begin(), out[i].end(), rig.disk.begin() + static_cast<std::ptrdiff_t>(at)));
    }
    EXPECT_EQ(rig.device.stats().max_in_flight, 2u);
    EXPECT_GE(rig.device.stats().slot_waits, 5u);
}

TEST_F(QueueDevice, SplitsTransfersLargerThanASlot) {
    Rig<4> rig(executor, 64, 16, 8 * block); // slots of 2 blocks
    rig.start();
    EXPECT_EQ(rig.device.slot_bytes(), 2 * block);
    std::vector<std::byte> out(5 * block);
    ASSERT_TRUE(run(rig.device.read(20, out)).has_value());
    EXPECT_TRUE(std::equal(out.begin(), out.end(), rig.disk.begin() + 20 * block));
    EXPECT_EQ(rig.device.stats().requests, 3u);
    fill(out, 0, 5);
    ASSERT_TRUE(run(rig.device.write(1, out)).has_value());
    EXPECT_TRUE(std::equal(out.begin(), out.end(), rig.disk.begin() + block));
    EXPECT_EQ(rig.device.stats().requests, 6u);
}

// The test answers each request by hand with each of sDDF's statuses.
TEST_F(QueueDevice, MapsTheDevicesStatuses) {
    Rig<4> rig(executor);
    rig.serving = false;
    rig.start();
    struct Case {
        q::ResponseStatus status;
        bool full_count;
        blk::Result<void> expected;
    };
    const std::array cases{
        Case{q::ResponseStatus::ok, true, {}},
        Case{q::ResponseStatus::unspecified_error, false, std::unexpected(Error::device_unspecified)},
        Case{q::ResponseStatus::invalid_parameter, false, std::unexpected(Error::invalid_parameter)},
        Case{q::ResponseStatus::io_error, false, std::unexpected(Error::io)},
        Case{q::ResponseStatus::no_device, false, std::unexpected(Error::no_device)},
        Case{static_cast<q::ResponseStatus>(77), false, std::unexpected(Error::device_unspecified)},
        Case{q::ResponseStatus::ok, false, std::unexpected(Error::bad_response)}, // ok, but 1 of 2 blocks
    };
    for (const Case &c : cases) {
        std::vector<std::byte> out(2 * block);
        auto reader = *executor.spawn(rig.device.read(4, out));
        executor.run_until_stalled();
        auto request = rig.server.next();
        ASSERT_TRUE(request.has_value());
        EXPECT_EQ(request->code, q::RequestCode::read);
        EXPECT_EQ(request->block, 4u);
        EXPECT_EQ(request->count, 2u);
        if (c.status == q::ResponseStatus::ok)
            (void)rig.backend.read(request->block, request->count, request->buffer);
        ASSERT_TRUE(rig.server.respond(request->id, c.status, c.full_count ? 2 : 1));
        rig.device.poll();
        executor.run_until_stalled();
        ASSERT_TRUE(reader.done());
        EXPECT_EQ(reader.take(), c.expected) << static_cast<int>(c.status);
    }
    EXPECT_EQ(rig.device.in_flight(), 0u);
    EXPECT_STREQ(blk::describe(Error::no_device), "no device is present");
}

TEST_F(QueueDevice, DropsResponsesThatMatchNoRequest) {
    Rig<4> rig(executor);
    rig.serving = false;
    rig.start();
    std::vector<std::byte> out(block);
    auto reader = *executor.spawn(rig.device.read(9, out));
    executor.run_until_stalled();
    auto request = rig.server.next();
    ASSERT_TRUE(request.has_value());
    ASSERT_TRUE(rig.server.respond(request->id + 1, q::ResponseStatus::ok, 1));         // another slot
    ASSERT_TRUE(rig.server.respond(request->id + (1u << 16), q::ResponseStatus::ok, 1)); // a stale use
    ASSERT_TRUE(rig.server.respond(0xffff, q::ResponseStatus::ok, 1));                  // no such slot
    rig.device.poll();
    executor.run_until_stalled();
    EXPECT_FALSE(reader.done());
    EXPECT_EQ(rig.device.stats().bogus_responses, 3u);
    (void)rig.backend.read(request->block, request->count, request->buffer);
    ASSERT_TRUE(rig.server.respond(request->id, q::ResponseStatus::ok, 1));
    ASSERT_TRUE(rig.server.respond(request->id, q::ResponseStatus::ok, 1)); // twice: the second is bogus
    rig.device.poll();
    executor.run_until_stalled();
    ASSERT_TRUE(reader.done());
    EXPECT_TRUE(reader.take().has_value());
    EXPECT_TRUE(std::equal(out.begin(), out.end(), rig.disk.begin() + 9 * block));
    EXPECT_EQ(rig.device.stats().bogus_responses, 4u);
}

TEST_F(QueueDevice, ACancelledRequestKeepsItsSlotUntilTheResponse) {
    Rig<1> rig(executor);
    rig.serving = false;
    rig.start();
    std::vector<std::byte> out(block, std::byte{0x42});
    auto reader = *executor.spawn(rig.device.read(3, out));
    executor.run_until_stalled();
    reader.cancel();
    EXPECT_EQ(rig.device.in_flight(), 1u) << "the server may still write the slot";
    std::vector<std::byte> next(block);
    auto second = *executor.spawn(rig.device.read(5, next));
    executor.run_until_stalled();
    EXPECT_EQ(rig.device.stats().requests, 1u) << "the one slot is still out";
    rig.serving = true;
    rig.executor.wake(server_bit);
    executor.run_until_stalled(); // answers the cancelled one, then the second's request
    ASSERT_TRUE(second.done());
    EXPECT_TRUE(second.take().has_value());
    EXPECT_TRUE(std::equal(next.begin(), next.end(), rig.disk.begin() + 5 * block));
    EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::byte b) { return b == std::byte{0x42}; }))
        << "nothing is copied for a cancelled read";
    EXPECT_EQ(rig.device.in_flight(), 0u);
    EXPECT_EQ(rig.device.stats().bogus_responses, 0u);
}

TEST_F(QueueDevice, ReadOnlyAndBadConfigurations) {
    auto shared = std::make_unique<Shared>();
    auto regionof = [](std::array<std::byte, 4096> &bytes) { return sm::Region{bytes.data(), bytes.size()}; };
    auto queues = *q::QueuePair::attach(regionof(shared->requests), regionof(shared->responses), 4);
    using Device = blk::QueueBlockDevice<4>;
    const sm::Region data{shared->data.data(), shared->data.size()};
    EXPECT_TRUE(Device::check({.queues = queues, .data = data, .block_count = 8}).has_value());
    EXPECT_EQ(blk::QueueBlockDevice<8>::check({.queues = queues, .data = data, .block_count = 8}).error(),
              Error::bad_config)
        << "a queue of 4 for 8 slots";
    EXPECT_EQ(Device::check({.queues = queues, .data = sm::Region{data.base + 512, 8 * block}, .block_count = 8})
                  .error(),
              Error::bad_config)
        << "a data region off a 4 KiB boundary";
    EXPECT_EQ(Device::check({.queues = queues, .data = sm::Region{data.base, 3 * block}, .block_count = 8}).error(),
              Error::bad_config)
        << "less than a block per slot";
    blk::QueueBlockDevice<8> bad({.queues = queues, .data = data, .block_count = 8});
    std::vector<std::byte> out(block);
    EXPECT_EQ(run(bad.read(0, out)).error(), Error::bad_config);
    Device read_only({.queues = queues, .data = data, .block_count = 8, .read_only = true});
    EXPECT_EQ(run(read_only.write(0, out)).error(), Error::read_only);
    EXPECT_TRUE(queues.requests.empty());
}

// What the server answers with invalid_parameter, each request written by hand.
TEST_F(QueueDevice, ServerRefusesMalformedRequests) {
    auto shared = std::make_unique<Shared>();
    auto regionof = [](std::array<std::byte, 4096> &bytes) { return sm::Region{bytes.data(), bytes.size()}; };
    auto queues = *q::QueuePair::attach(regionof(shared->requests), regionof(shared->responses), 16);
    const sm::Region data{shared->data.data(), 4 * block};
    std::vector<std::byte> disk(8 * block);
    blk::MemoryBackend backend(disk);
    blk::QueueServer server(queues, data, backend.block_count());
    const std::array bad{
        q::Request{.code = static_cast<q::RequestCode>(9), .count = 1, .id = 1},               // no such code
        q::Request{.code = q::RequestCode::read, .block_number = 0, .count = 0, .id = 2},      // no blocks
        q::Request{.code = q::RequestCode::read, .block_number = 7, .count = 2, .id = 3},      // past the disk
        q::Request{.code = q::RequestCode::read, .block_number = ~0ull, .count = 2, .id = 4},  // overflowing
        q::Request{.code = q::RequestCode::write, .io_or_offset = 100, .count = 1, .id = 5},   // misaligned
        q::Request{.code = q::RequestCode::read, .io_or_offset = 3 * block, .count = 2, .id = 6}, // past the data
        q::Request{.code = q::RequestCode::read, .io_or_offset = 1ull << 40, .count = 1, .id = 7}, // far past it
    };
    for (const q::Request &request : bad)
        ASSERT_TRUE(queues.requests.enqueue(request));
    ASSERT_TRUE(queues.requests.enqueue({.code = q::RequestCode::read, .io_or_offset = 3 * block, .block_number = 7,
                                         .count = 1, .id = 8})); // fine: the last block into the last slot
    EXPECT_EQ(server.serve(backend), 8u);
    EXPECT_EQ(server.stats().rejected, 7u);
    EXPECT_TRUE(server.take_responded());
    EXPECT_FALSE(server.take_responded());
    for (std::uint32_t id = 1; id <= 8; ++id) {
        auto response = queues.responses.dequeue();
        ASSERT_TRUE(response.has_value());
        EXPECT_EQ(response->id, id);
        EXPECT_EQ(response->status, id == 8 ? q::ResponseStatus::ok : q::ResponseStatus::invalid_parameter) << id;
        EXPECT_EQ(response->success_count, id == 8 ? 1 : 0);
    }
    // Read-only: writes refused, reads served.
    blk::QueueServer read_only(queues, data, backend.block_count(), true);
    ASSERT_TRUE(queues.requests.enqueue({.code = q::RequestCode::write, .count = 1, .id = 20}));
    ASSERT_TRUE(queues.requests.enqueue({.code = q::RequestCode::read, .count = 1, .id = 21}));
    ASSERT_TRUE(queues.requests.enqueue({.code = q::RequestCode::flush, .id = 22}));
    EXPECT_EQ(read_only.serve(backend), 3u);
    EXPECT_EQ(queues.responses.dequeue()->status, q::ResponseStatus::invalid_parameter);
    EXPECT_EQ(queues.responses.dequeue()->status, q::ResponseStatus::ok);
    EXPECT_EQ(queues.responses.dequeue()->status, q::ResponseStatus::ok);
}

TEST_F(QueueDevice, ServerHonoursThePlugAndTheResponseQueuesRoom) {
    auto shared = std::make_unique<Shared>();
    auto regionof = [](std::array<std::byte, 4096> &bytes) { return sm::Region{bytes.data(), bytes.size()}; };
    auto client = *q::QueuePair::attach(regionof(shared->requests), regionof(shared->responses), 2);
    const sm::Region data{shared->data.data(), 4 * block};
    std::vector<std::byte> disk(8 * block);
    blk::MemoryBackend backend(disk);
    blk::QueueServer server(client, data, backend.block_count());
    client.requests.plug();
    ASSERT_TRUE(client.requests.enqueue({.code = q::RequestCode::flush, .id = 1}));
    EXPECT_EQ(server.serve(backend), 0u);
    client.requests.unplug();
    ASSERT_TRUE(client.requests.enqueue({.code = q::RequestCode::flush, .id = 2}));
    EXPECT_EQ(server.serve(backend), 2u);
    ASSERT_TRUE(client.requests.enqueue({.code = q::RequestCode::flush, .id = 3}));
    EXPECT_EQ(server.serve(backend), 0u) << "no room for the answer: the request stays";
    EXPECT_EQ(client.responses.dequeue()->id, 1u);
    EXPECT_EQ(server.serve(backend), 1u);
    EXPECT_EQ(client.responses.dequeue()->id, 2u);
    EXPECT_EQ(client.responses.dequeue()->id, 3u);
}

TEST(StorageInfo, PublishAndRead) {
    alignas(4096) std::array<std::byte, blk::storage_info_region_bytes> memory{};
    auto shared = blk::SharedStorageInfo::attach({memory.data(), memory.size()});
    ASSERT_TRUE(shared.has_value());
    EXPECT_FALSE(shared->ready());
    blk::StorageInfo info{.read_only = true, .sector_size = 512, .block_size = 1, .queue_depth = 16,
                          .capacity = 256};
    std::memcpy(info.serial_number, "cpp-sel4 ramdisk", 17);
    shared->publish(info);
    EXPECT_TRUE(shared->ready());
    const blk::StorageInfo got = shared->read();
    EXPECT_STREQ(got.serial_number, "cpp-sel4 ramdisk");
    EXPECT_TRUE(got.read_only);
    EXPECT_TRUE(got.ready);
    EXPECT_EQ(got.sector_size, 512u);
    EXPECT_EQ(got.queue_depth, 16u);
    EXPECT_EQ(got.capacity, 256u);
    // sDDF's layout: ready at byte 65, the capacity at 80.
    EXPECT_EQ(memory[65], std::byte{1});
    EXPECT_EQ(memory[80], std::byte{0});
    EXPECT_EQ(memory[81], std::byte{1});
    shared->withdraw();
    EXPECT_FALSE(shared->ready());
    EXPECT_FALSE(blk::SharedStorageInfo::attach({memory.data() + 4, 100}).has_value());
}

// The stack the file server will stand on: an MBR disk behind the queues, the cache over
// the queue device, a partition of the cache, byte reads of the partition.
TEST_F(QueueDevice, TheWholeStack) {
    Rig<4> rig(executor, 128);
    const std::array table{
        blk::MbrPartition{.index = 0, .type = 0x83, .first_sector = 8, .sector_count = 8 * 63},
        blk::MbrPartition{.index = 1, .type = 0x0c, .first_sector = 8 * 64, .sector_count = 8 * 64},
    };
    blk::write_mbr(std::span(rig.disk).first<512>(), table);
    rig.start();
    using Cache = blk::BlockCache<blk::QueueBlockDevice<4>, 8>;
    auto cache = std::make_unique<Cache>(rig.device);
    auto mbr = run(blk::read_mbr(*cache));
    ASSERT_TRUE(mbr.has_value()) << blk::describe(mbr.error());
    auto part = blk::Partition<Cache>::of(*cache, mbr->partitions()[1]);
    ASSERT_TRUE(part.has_value());
    EXPECT_EQ(part->first_block(), 64u);
    blk::ByteReader<blk::Partition<Cache>> reader(*part);
    std::vector<std::byte> out(10000);
    ASSERT_TRUE(run(reader.read(4000, out)).has_value()); // across blocks 0..3 of the partition
    EXPECT_TRUE(std::equal(out.begin(), out.end(), rig.disk.begin() + 64 * block + 4000));
    std::vector<std::byte> data(block);
    fill(data, 0, 1234);
    ASSERT_TRUE(run(part->write(63, data)).has_value());
    EXPECT_FALSE(std::equal(data.begin(), data.end(), rig.disk.begin() + 127 * block)) << "write-back";
    ASSERT_TRUE(run(cache->flush()).has_value());
    EXPECT_TRUE(std::equal(data.begin(), data.end(), rig.disk.begin() + 127 * block));
    std::vector<std::byte> back(block);
    ASSERT_TRUE(run(part->read(63, back)).has_value());
    EXPECT_EQ(back, data);
    EXPECT_EQ(cache->stats().read_misses, 5u); // the MBR's block and blocks 64..67
    EXPECT_EQ(run(part->read(64, back)).error(), Error::out_of_range);
}

} // namespace
