// A virtio-mmio device in memory for the transport's host tests: the registers as the
// modern transport defines them (with the reactions the handshake needs: reset, feature
// selection, FEATURES_OK kept or refused, queue selection), and a device side that consumes
// a split queue's available ring and writes used elements straight into the rings (on the
// host a "physical" address is the pointer itself).
#pragma once

#include <sel4/virtio.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace fake {

namespace v = sel4::virtio;

struct Queue {
    std::uint32_t num_max = 256;
    std::uint32_t num = 0;
    std::uint32_t ready = 0;
    std::uint64_t desc = 0, driver = 0, device = 0;
    std::uint16_t last_avail = 0;
    std::uint16_t used_index = 0;
};

struct Device {
    std::uint32_t magic = v::magic;
    std::uint32_t version = 2;
    std::uint32_t device_id = 2;
    std::uint32_t vendor_id = 0x554d4551;
    std::uint64_t features = v::feature::bit(v::feature::version_1);
    bool refuse_features = false;     // clears FEATURES_OK when the driver sets it
    bool generation_moves = false;    // ConfigGeneration changes at every read
    std::uint32_t status = 0;
    std::vector<std::uint32_t> status_writes;
    std::uint32_t device_features_sel = 0, driver_features_sel = 0;
    std::uint64_t driver_features = 0;
    std::uint32_t queue_sel = 0;
    std::array<Queue, 4> queues{};
    std::uint32_t interrupt_status = 0;
    std::uint32_t generation = 0;
    std::vector<std::uint32_t> notified;
    std::array<std::uint8_t, 64> config{};

    std::uint32_t read32(std::uint32_t offset) {
        namespace r = v::reg;
        if (offset >= r::config) {
            std::uint32_t value;
            std::memcpy(&value, &config[offset - r::config], 4);
            return value;
        }
        Queue &q = queues[queue_sel % queues.size()];
        switch (offset) {
        case r::magic_value: return magic;
        case r::version: return version;
        case r::device_id: return device_id;
        case r::vendor_id: return vendor_id;
        case r::device_features:
            return device_features_sel == 0 ? static_cast<std::uint32_t>(features)
                   : device_features_sel == 1 ? static_cast<std::uint32_t>(features >> 32) : 0;
        case r::queue_num_max: return queue_sel < queues.size() ? q.num_max : 0;
        case r::queue_ready: return q.ready;
        case r::interrupt_status: return interrupt_status;
        case r::status: return status;
        case r::config_generation: return generation_moves ? generation++ : generation;
        default: return 0;
        }
    }
    void write32(std::uint32_t offset, std::uint32_t value) {
        namespace r = v::reg;
        Queue &q = queues[queue_sel % queues.size()];
        auto set_low = [](std::uint64_t &field, std::uint32_t low) { field = (field & ~0xffffffffull) | low; };
        auto set_high = [](std::uint64_t &field, std::uint32_t high) {
            field = (field & 0xffffffffull) | std::uint64_t{high} << 32;
        };
        switch (offset) {
        case r::device_features_sel: device_features_sel = value; break;
        case r::driver_features_sel: driver_features_sel = value; break;
        case r::driver_features:
            if (driver_features_sel == 0) set_low(driver_features, value);
            else set_high(driver_features, value);
            break;
        case r::queue_sel: queue_sel = value; break;
        case r::queue_num: q.num = value; break;
        case r::queue_ready: q.ready = value; break;
        case r::queue_notify: notified.push_back(value); break;
        case r::interrupt_ack: interrupt_status &= ~value; break;
        case r::queue_desc_low: set_low(q.desc, value); break;
        case r::queue_desc_high: set_high(q.desc, value); break;
        case r::queue_driver_low: set_low(q.driver, value); break;
        case r::queue_driver_high: set_high(q.driver, value); break;
        case r::queue_device_low: set_low(q.device, value); break;
        case r::queue_device_high: set_high(q.device, value); break;
        case r::status:
            status_writes.push_back(value);
            if (value == 0) { // reset
                status = 0;
                driver_features = 0;
                for (Queue &each : queues) each = Queue{.num_max = each.num_max};
            } else {
                status = value;
                if (refuse_features) status &= ~v::status::features_ok;
            }
            break;
        default: break;
        }
    }

    // The device side of queue `index`: the chains offered since the last call, each as its
    // head and its descriptors.
    struct Chain {
        std::uint16_t head;
        std::vector<v::Descriptor> descriptors;
    };
    std::vector<Chain> take_available(std::uint32_t index) {
        Queue &q = queues[index];
        std::vector<Chain> chains;
        auto *avail = reinterpret_cast<volatile std::uint16_t *>(q.driver);
        auto *table = reinterpret_cast<volatile v::Descriptor *>(q.desc);
        const std::uint16_t available = avail[1];
        while (q.last_avail != available) {
            Chain chain{.head = avail[2 + q.last_avail % q.num], .descriptors = {}};
            std::uint16_t at = chain.head;
            for (;;) {
                v::Descriptor d{table[at].addr, table[at].len, table[at].flags, table[at].next};
                chain.descriptors.push_back(d);
                if ((d.flags & v::descriptor_flag::next) == 0) break;
                at = d.next;
            }
            chains.push_back(chain);
            ++q.last_avail;
        }
        return chains;
    }
    // Writes a used element {id, len} of queue `index` and raises the interrupt.
    void put_used(std::uint32_t index, std::uint32_t id, std::uint32_t len) {
        Queue &q = queues[index];
        auto *used = reinterpret_cast<volatile std::uint16_t *>(q.device);
        auto *elements = reinterpret_cast<volatile std::uint32_t *>(q.device + 4);
        elements[2 * (q.used_index % q.num)] = id;
        elements[2 * (q.used_index % q.num) + 1] = len;
        ++q.used_index;
        used[1] = q.used_index;
        interrupt_status |= v::interrupt::used_buffer;
    }
    // Sets the used index as a broken device would.
    void set_used_index(std::uint32_t index, std::uint16_t value) {
        Queue &q = queues[index];
        reinterpret_cast<volatile std::uint16_t *>(q.device)[1] = value;
        q.used_index = value;
    }
};

// The transport's view of a Device: a pointer to it.
struct Bus {
    Device *device;
    std::uint32_t read32(std::uint32_t offset) { return device->read32(offset); }
    void write32(std::uint32_t offset, std::uint32_t value) { device->write32(offset, value); }
    std::uint16_t read16(std::uint32_t offset) {
        std::uint16_t value;
        std::memcpy(&value, &device->config[offset - v::reg::config], 2);
        return value;
    }
    std::uint8_t read8(std::uint32_t offset) { return device->config[offset - v::reg::config]; }
};
static_assert(v::Bus<Bus>);

// DMA memory on the host: its address is its "physical" address.
struct Memory {
    alignas(4096) std::array<std::byte, 64 * 1024> bytes{};
    v::DmaArena arena() {
        const auto address = reinterpret_cast<std::uintptr_t>(bytes.data());
        return v::DmaArena(address, address, bytes.size());
    }
};

} // namespace fake
