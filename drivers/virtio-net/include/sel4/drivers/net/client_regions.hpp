/// @file
/// The six regions the net driver's client maps, by the setvar names the system files give
/// them (`@NET_CLIENT_MAPS@` of drivers/systems.cmake): the four queues "rx_free_vaddr",
/// "rx_active_vaddr", "tx_free_vaddr", "tx_active_vaddr" (queue_region_bytes each) and the two
/// data regions "rx_data_vaddr", "tx_data_vaddr" (data_region_bytes each).
///
/// Include it in one translation unit of the client PD: it defines the setvar symbols the
/// Microkit tool patches by name.
/// @code
/// const auto regions = sel4::drivers::net::client_regions();
/// auto queues = regions.attach();            // sel4::queue::Result<Queues>
/// @endcode
#pragma once

#include <sel4/drivers/net.hpp>
#include <sel4/microkit.hpp>
#include <sel4/shared_memory.hpp>

#include <cstdint>

SEL4_MICROKIT_VARIABLE(rx_free_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_active_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_free_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_active_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_data_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_data_vaddr, sel4::Word)

namespace sel4::drivers::net {

/// Where the system maps the client's end of the net driver's queues and its data regions.
struct ClientRegions {
    std::uintptr_t rx_free = 0;     ///< The rx free queue (empty buffers to the driver).
    std::uintptr_t rx_active = 0;   ///< The rx active queue (frames from the driver).
    std::uintptr_t tx_free = 0;     ///< The tx free queue (sent buffers back).
    std::uintptr_t tx_active = 0;   ///< The tx active queue (frames to send).
    shared_memory::Region rx_data;  ///< The rx buffers.
    shared_memory::Region tx_data;  ///< The tx buffers.

    /// Whether the system maps them at all (every address given).
    bool mapped() const noexcept {
        return rx_free != 0 && rx_active != 0 && tx_free != 0 && tx_active != 0 && rx_data.address() != 0 &&
               tx_data.address() != 0;
    }
    /// The four queues, of queue_capacity each.
    sel4::queue::Result<Queues> attach() const noexcept { return Queues::attach(rx_free, rx_active, tx_free, tx_active); }
};

/// The regions the setvars describe (valid once the PD runs: the Microkit tool patches them).
inline ClientRegions client_regions() noexcept {
    using shared_memory::Region;
    return {.rx_free = rx_free_vaddr.get(),
            .rx_active = rx_active_vaddr.get(),
            .tx_free = tx_free_vaddr.get(),
            .tx_active = tx_active_vaddr.get(),
            .rx_data = Region::at_address(rx_data_vaddr.get(), data_region_bytes),
            .tx_data = Region::at_address(tx_data_vaddr.get(), data_region_bytes)};
}

} // namespace sel4::drivers::net
