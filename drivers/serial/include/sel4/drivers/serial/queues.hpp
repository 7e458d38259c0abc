/// @file
/// The regions of the serial driver's two sDDF serial queues, as the driver and its client
/// both map them: rx (driver to client) and tx (client to driver), each a queue region and a
/// data region whose size is the queue's capacity (a power of two).
#pragma once

#include <sel4/queue/serial.hpp>
#include <sel4/shared_memory.hpp>

#include <cstdint>

namespace sel4::drivers::serial {

/// The four regions of the two queues.
struct Regions {
    shared_memory::Region rx_queue; ///< The rx queue's header.
    shared_memory::Region rx_data;  ///< The rx queue's characters.
    shared_memory::Region tx_queue; ///< The tx queue's header.
    shared_memory::Region tx_data;  ///< The tx queue's characters.
};

/// The queue at the start of `queue_region` whose characters are `data` (its size the
/// queue's capacity); the queue's Error when they do not fit.
inline queue::Result<queue::serial::Queue> attach_queue(shared_memory::Region queue_region,
                                                        shared_memory::Region data) noexcept {
    return queue::serial::Queue::attach(queue_region, data, static_cast<std::uint32_t>(data.size));
}

} // namespace sel4::drivers::serial
