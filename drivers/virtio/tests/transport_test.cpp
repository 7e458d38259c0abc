// sel4::virtio on the host against a fake virtio-mmio device in memory (fake_device.hpp):
// the handshake and feature negotiation, every check of what the device reports (magic,
// version, device id, features, FEATURES_OK, QueueNumMax, used elements), the split queue's
// chains and free list, and configuration reads with the generation counter.
#include "fake_device.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace {

namespace v = sel4::virtio;
using Queue = v::SplitQueue<64>;

struct Fixture : ::testing::Test {
    fake::Device device;
    std::unique_ptr<fake::Memory> memory = std::make_unique<fake::Memory>();
    v::Transport<fake::Bus> transport{fake::Bus{&device}};

    Queue make_queue(std::uint16_t size) {
        v::DmaArena arena = memory->arena();
        auto dma = arena.take(Queue::bytes_for(size), v::ring_alignment);
        EXPECT_TRUE(dma.has_value());
        Queue queue;
        EXPECT_TRUE(queue.attach(*dma, size).has_value());
        return queue;
    }
};

using Transport = Fixture;

TEST_F(Transport, HandshakeNegotiatesTheOfferedWantedFeatures) {
    device.features = v::feature::bit(5) | v::feature::bit(16) | v::feature::bit(v::feature::version_1) |
                      v::feature::bit(v::feature::event_idx);
    ASSERT_TRUE(transport.probe(v::DeviceType::block).has_value());
    std::uint64_t offered = 0;
    auto taken = transport.negotiate(v::feature::bit(5) | v::feature::bit(7), v::feature::bit(v::feature::version_1),
                                     &offered);
    ASSERT_TRUE(taken.has_value()) << taken.error().describe();
    EXPECT_EQ(offered, device.features);
    EXPECT_EQ(*taken, v::feature::bit(5) | v::feature::bit(v::feature::version_1)); // 7 is not offered
    EXPECT_EQ(device.driver_features, *taken);
    // reset, ACKNOWLEDGE, DRIVER, FEATURES_OK, in that order
    ASSERT_GE(device.status_writes.size(), 4u);
    EXPECT_EQ(device.status_writes[0], 0u);
    EXPECT_EQ(device.status_writes[1], v::status::acknowledge);
    EXPECT_EQ(device.status_writes[2], v::status::acknowledge | v::status::driver);
    EXPECT_EQ(device.status_writes[3], v::status::acknowledge | v::status::driver | v::status::features_ok);

    Queue queue = make_queue(16);
    ASSERT_TRUE(transport.setup_queue(0, queue).has_value());
    EXPECT_EQ(device.queues[0].num, 16u);
    EXPECT_EQ(device.queues[0].ready, 1u);
    EXPECT_EQ(device.queues[0].desc, queue.addresses().descriptors);
    EXPECT_EQ(device.queues[0].driver, queue.addresses().driver);
    EXPECT_EQ(device.queues[0].device, queue.addresses().device);
    EXPECT_EQ(queue.addresses().device % 4, 0u);
    ASSERT_TRUE(transport.driver_ok().has_value());
    EXPECT_EQ(device.status, 15u);

    // A chain through the device and back.
    const v::Segment chain[] = {{0x1000, 16, false}, {0x2000, 512, true}, {0x3000, 1, true}};
    auto head = queue.add(chain, 77);
    ASSERT_TRUE(head.has_value());
    EXPECT_EQ(queue.free_descriptors(), 13);
    EXPECT_TRUE(queue.should_notify());
    transport.notify(0);
    EXPECT_EQ(device.notified, std::vector<std::uint32_t>{0});
    auto offered_chains = device.take_available(0);
    ASSERT_EQ(offered_chains.size(), 1u);
    ASSERT_EQ(offered_chains[0].descriptors.size(), 3u);
    EXPECT_EQ(offered_chains[0].head, *head);
    EXPECT_EQ(offered_chains[0].descriptors[0].addr, 0x1000u);
    EXPECT_EQ(offered_chains[0].descriptors[0].flags, v::descriptor_flag::next);
    EXPECT_EQ(offered_chains[0].descriptors[1].flags, v::descriptor_flag::next | v::descriptor_flag::write);
    EXPECT_EQ(offered_chains[0].descriptors[2].flags, v::descriptor_flag::write);
    EXPECT_FALSE(queue.take_used().has_value());
    device.put_used(0, *head, 513);
    EXPECT_EQ(transport.take_interrupt(), v::interrupt::used_buffer);
    EXPECT_EQ(device.interrupt_status, 0u);
    auto used = queue.take_used();
    ASSERT_TRUE(used.has_value());
    ASSERT_TRUE(used->has_value());
    EXPECT_EQ((*used)->token, 77u);
    EXPECT_EQ((*used)->length, 513u);
    EXPECT_EQ(queue.free_descriptors(), 16);
    EXPECT_FALSE(queue.take_used().has_value());
}

TEST_F(Transport, ProbeChecksMagicVersionAndDeviceId) {
    device.magic = 0x12345678;
    auto probed = transport.probe(v::DeviceType::block);
    ASSERT_FALSE(probed);
    EXPECT_EQ(probed.error().code, v::ErrorCode::bad_magic);
    EXPECT_EQ(probed.error().got, 0x12345678u);

    device.magic = v::magic;
    device.version = 1; // legacy
    probed = transport.probe(v::DeviceType::block);
    ASSERT_FALSE(probed);
    EXPECT_EQ(probed.error().code, v::ErrorCode::bad_version);

    device.version = 2;
    device.device_id = 1; // a network card where a block device should be
    probed = transport.probe(v::DeviceType::block);
    ASSERT_FALSE(probed);
    EXPECT_EQ(probed.error().code, v::ErrorCode::wrong_device);
    EXPECT_EQ(probed.error().got, 1u);
    EXPECT_EQ(probed.error().want, 2u);

    device.device_id = 0;
    probed = transport.probe(v::DeviceType::block);
    ASSERT_FALSE(probed);
    EXPECT_EQ(probed.error().code, v::ErrorCode::no_device);
}

TEST_F(Transport, RequiredFeaturesAndFeaturesOk) {
    device.features = v::feature::bit(5); // no VERSION_1
    auto taken = transport.negotiate(0, v::feature::bit(v::feature::version_1));
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code, v::ErrorCode::missing_features);
    EXPECT_NE(device.status & v::status::failed, 0u);

    device.features = v::feature::bit(v::feature::version_1);
    device.refuse_features = true;
    taken = transport.negotiate(0, v::feature::bit(v::feature::version_1));
    ASSERT_FALSE(taken);
    EXPECT_EQ(taken.error().code, v::ErrorCode::features_not_accepted);
    EXPECT_NE(device.status & v::status::failed, 0u);
}

TEST_F(Transport, AQueueOfSizeZeroOrTooSmallIsRefused) {
    ASSERT_TRUE(transport.negotiate(0, v::feature::bit(v::feature::version_1)).has_value());
    Queue queue = make_queue(64);
    device.queues[1].num_max = 0;
    auto set = transport.setup_queue(1, queue);
    ASSERT_FALSE(set);
    EXPECT_EQ(set.error().code, v::ErrorCode::queue_unavailable);
    EXPECT_NE(device.status & v::status::failed, 0u);
    EXPECT_EQ(device.queues[1].ready, 0u);

    ASSERT_TRUE(transport.negotiate(0, v::feature::bit(v::feature::version_1)).has_value());
    device.queues[0].num_max = 32;
    set = transport.setup_queue(0, queue);
    ASSERT_FALSE(set);
    EXPECT_EQ(set.error().code, v::ErrorCode::queue_too_small);
    EXPECT_EQ(set.error().got, 32u);
    EXPECT_EQ(set.error().want, 64u);

    // A queue index past the device's queues reads QueueNumMax 0.
    ASSERT_TRUE(transport.negotiate(0, v::feature::bit(v::feature::version_1)).has_value());
    set = transport.setup_queue(9, queue);
    ASSERT_FALSE(set);
    EXPECT_EQ(set.error().code, v::ErrorCode::queue_unavailable);

    ASSERT_TRUE(transport.negotiate(0, v::feature::bit(v::feature::version_1)).has_value());
    device.queues[2].ready = 1;
    set = transport.setup_queue(2, queue);
    ASSERT_FALSE(set);
    EXPECT_EQ(set.error().code, v::ErrorCode::queue_in_use);
}

TEST_F(Transport, UsedElementsWithABadIdOrLengthAreRefused) {
    ASSERT_TRUE(transport.negotiate(0, v::feature::bit(v::feature::version_1)).has_value());
    Queue queue = make_queue(8);
    ASSERT_TRUE(transport.setup_queue(0, queue).has_value());
    const v::Segment one[] = {{0x1000, 100, true}};
    const v::Segment two[] = {{0x2000, 10, false}, {0x3000, 50, true}};
    auto a = queue.add(one, 1);
    auto b = queue.add(two, 2);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(queue.in_flight(), 2);

    // An id past the queue's size.
    device.put_used(0, 8, 4);
    auto used = queue.take_used();
    ASSERT_TRUE(used.has_value());
    ASSERT_FALSE(used->has_value());
    EXPECT_EQ(used->error().code, v::ErrorCode::bad_used_id);
    EXPECT_EQ(used->error().got, 8u);
    // An id inside the queue that is not a chain's head (b's second descriptor).
    device.put_used(0, static_cast<std::uint32_t>(*b + 1) % 8, 4);
    used = queue.take_used();
    ASSERT_TRUE(used && !used->has_value());
    EXPECT_EQ(used->error().code, v::ErrorCode::bad_used_id);
    EXPECT_EQ(queue.in_flight(), 2);
    // A length past the writable bytes: the chain is freed, its token reported.
    device.put_used(0, *b, 51);
    used = queue.take_used();
    ASSERT_TRUE(used && !used->has_value());
    EXPECT_EQ(used->error().code, v::ErrorCode::bad_used_length);
    EXPECT_TRUE(used->error().has_token);
    EXPECT_EQ(used->error().token, 2u);
    EXPECT_EQ(queue.in_flight(), 1);
    // The same head twice: the second time it is no longer in flight.
    device.put_used(0, *a, 100);
    used = queue.take_used();
    ASSERT_TRUE(used && used->has_value());
    EXPECT_EQ((*used)->token, 1u);
    device.put_used(0, *a, 100);
    used = queue.take_used();
    ASSERT_TRUE(used && !used->has_value());
    EXPECT_EQ(used->error().code, v::ErrorCode::bad_used_id);
    EXPECT_EQ(queue.free_descriptors(), 8);
    EXPECT_EQ(queue.in_flight(), 0);

    // A used index far ahead: nothing is taken.
    device.set_used_index(0, static_cast<std::uint16_t>(queue.last_used() + 9));
    used = queue.take_used();
    ASSERT_TRUE(used && !used->has_value());
    EXPECT_EQ(used->error().code, v::ErrorCode::used_ring_overrun);
}

TEST_F(Transport, TheFreeListRunsOutAndRefills) {
    Queue queue = make_queue(8);
    const v::Segment pair[] = {{0x1000, 10, false}, {0x2000, 10, true}};
    std::vector<std::uint16_t> heads;
    for (std::uint64_t token = 0; token < 4; ++token) {
        auto head = queue.add(pair, token);
        ASSERT_TRUE(head.has_value());
        heads.push_back(*head);
    }
    auto full = queue.add(pair, 9);
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error().code, v::ErrorCode::no_descriptors);
    EXPECT_EQ(queue.add(std::span<const v::Segment>{}, 0).error().code, v::ErrorCode::empty_chain);
    ASSERT_TRUE(transport.negotiate(0, v::feature::bit(v::feature::version_1)).has_value());
    ASSERT_TRUE(transport.setup_queue(0, queue).has_value());
    EXPECT_EQ(device.take_available(0).size(), 4u);
    // Returned out of order, many rounds: every token comes back once, the free list stays whole.
    for (int round = 0; round < 50; ++round) {
        for (int i = 3; i >= 0; --i)
            device.put_used(0, heads[static_cast<std::size_t>(i)], 10);
        std::vector<std::uint64_t> tokens;
        while (auto used = queue.take_used()) {
            ASSERT_TRUE(used->has_value());
            tokens.push_back((*used)->token);
        }
        ASSERT_EQ(tokens, (std::vector<std::uint64_t>{3, 2, 1, 0}));
        ASSERT_EQ(queue.free_descriptors(), 8);
        heads.clear();
        for (std::uint64_t token = 0; token < 4; ++token) {
            auto head = queue.add(pair, token);
            ASSERT_TRUE(head.has_value());
            heads.push_back(*head);
        }
        auto offered = device.take_available(0);
        ASSERT_EQ(offered.size(), 4u);
        for (const auto &chain : offered) {
            ASSERT_EQ(chain.descriptors.size(), 2u);
            ASSERT_EQ(chain.descriptors[0].addr, 0x1000u);
            ASSERT_EQ(chain.descriptors[1].addr, 0x2000u);
        }
    }
}

TEST_F(Transport, ConfigReadsWaitForAStableGeneration) {
    const std::uint64_t capacity = 0x1122334455667788ull;
    std::memcpy(device.config.data(), &capacity, 8);
    device.config[20] = 0xab;
    auto read = transport.read_config([](auto &config) { return config.u64(0); });
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(*read, capacity);
    EXPECT_EQ(*transport.read_config([](auto &config) { return config.u8(20); }), 0xab);
    device.generation_moves = true;
    read = transport.read_config([](auto &config) { return config.u64(0); });
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().code, v::ErrorCode::config_unstable);
}

TEST(DmaArena, AlignsAndRefusesWhatDoesNotFit) {
    alignas(64) static std::byte bytes[256];
    const auto address = reinterpret_cast<std::uintptr_t>(bytes);
    v::DmaArena arena(address, 0x40000000, sizeof bytes);
    auto a = arena.take(10, 16);
    ASSERT_TRUE(a.has_value());
    EXPECT_EQ(a->paddr, 0x40000000u);
    auto b = arena.take(16, 16);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->vaddr, address + 16);
    EXPECT_EQ(b->paddr, 0x40000010u);
    auto c = arena.take(512, 16);
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, v::ErrorCode::dma_too_small);
    v::DmaArena skewed(address, 0x40000008, sizeof bytes);
    auto d = skewed.take(16, 16);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, v::ErrorCode::dma_misaligned);
}

} // namespace

namespace {

// A page of eight virtio-mmio slots in plain memory (MmioBus reads it as it would the device).
struct Page {
    alignas(4096) std::array<std::uint32_t, 1024> words{};
    void slot(std::size_t n, std::uint32_t magic, std::uint32_t version, std::uint32_t id) {
        words[n * v::slot_stride / 4 + 0] = magic;
        words[n * v::slot_stride / 4 + 1] = version;
        words[n * v::slot_stride / 4 + 2] = id;
    }
    std::uintptr_t address() const { return reinterpret_cast<std::uintptr_t>(words.data()); }
};

TEST(FindSlot, TakesTheFirstSlotWithTheDeviceId) {
    Page page;
    for (std::size_t n = 0; n < 4096 / v::slot_stride; ++n)
        page.slot(n, v::magic, 2, 0); // empty slots
    auto none = v::find_slot(page.address(), 4096, v::DeviceType::block);
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().code, v::ErrorCode::no_device);
    page.slot(0, v::magic, 2, 1); // a network card: another device, not ours
    auto other = v::find_slot(page.address(), 4096, v::DeviceType::block);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, v::ErrorCode::wrong_device);
    const std::size_t last = 4096 / v::slot_stride - 1;
    page.slot(last, v::magic, 2, 2);
    auto found = v::find_slot(page.address(), 4096, v::DeviceType::block);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->offset, last * v::slot_stride);
    EXPECT_EQ(found->vaddr, page.address() + last * v::slot_stride);
    page.slot(last, v::magic, 1, 2); // legacy
    auto legacy = v::find_slot(page.address(), 4096, v::DeviceType::block);
    ASSERT_FALSE(legacy);
    EXPECT_EQ(legacy.error().code, v::ErrorCode::bad_version);
    Page blank;
    auto nothing = v::find_slot(blank.address(), 4096, v::DeviceType::block);
    ASSERT_FALSE(nothing);
    EXPECT_EQ(nothing.error().code, v::ErrorCode::bad_magic);
}

} // namespace
