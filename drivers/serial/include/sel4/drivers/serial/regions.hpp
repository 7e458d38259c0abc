/// @file
/// The setvars of the serial queues' regions, by the names the system files give them in the
/// driver and the client alike (drivers/systems.cmake): rx_queue_vaddr/_size,
/// rx_data_vaddr/_size, tx_queue_vaddr/_size and tx_data_vaddr/_size, and regions(), what they
/// describe.
///
/// Include it in one translation unit of the PD (the one with the entry points): it defines
/// the setvar symbols the Microkit tool patches by name.
/// @code
/// auto serial = sel4::drivers::serial::Client::attach(sel4::drivers::serial::regions(), mk::Channel(5));
/// @endcode
#pragma once

#include <sel4/drivers/serial/queues.hpp>
#include <sel4/microkit.hpp>

SEL4_MICROKIT_VARIABLE(rx_queue_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_queue_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_data_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(rx_data_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_queue_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_queue_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_data_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(tx_data_size, sel4::Word)

namespace sel4::drivers::serial {

/// The regions the setvars describe (valid once the PD runs: the Microkit tool patches them).
inline Regions regions() noexcept {
    using shared_memory::Region;
    return {.rx_queue = Region::at_address(rx_queue_vaddr.get(), rx_queue_size.get()),
            .rx_data = Region::at_address(rx_data_vaddr.get(), rx_data_size.get()),
            .tx_queue = Region::at_address(tx_queue_vaddr.get(), tx_queue_size.get()),
            .tx_data = Region::at_address(tx_data_vaddr.get(), tx_data_size.get())};
}

} // namespace sel4::drivers::serial
