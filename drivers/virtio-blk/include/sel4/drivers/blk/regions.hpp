/// @file
/// The four regions both ends of sDDF block queues map (the driver or a server, and its
/// client), by the setvar names the system files give them (drivers/systems.cmake): the
/// request queue "requests_vaddr"/"requests_size", the response queue
/// "responses_vaddr"/"responses_size", the storage information "info_vaddr"/"info_size" and
/// the client's data region "data_vaddr"/"data_size".
///
/// Include it in one translation unit of the PD (the one with the entry points): it defines
/// the setvar symbols the Microkit tool patches by name.
/// @code
/// const auto regions = sel4::drivers::blk::regions();
/// auto queues = sel4::queue::blk::QueuePair::attach(regions.requests, regions.responses, capacity);
/// @endcode
#pragma once

#include <sel4/microkit.hpp>
#include <sel4/shared_memory.hpp>

SEL4_MICROKIT_VARIABLE(requests_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(requests_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(responses_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(responses_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(info_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(info_size, sel4::Word)
SEL4_MICROKIT_VARIABLE(data_vaddr, sel4::Word)
SEL4_MICROKIT_VARIABLE(data_size, sel4::Word)

namespace sel4::drivers::blk {

/// The regions of a PD's end of the block queues, as the system description maps them.
struct Regions {
    shared_memory::Region requests;  ///< The request queue.
    shared_memory::Region responses; ///< The response queue.
    shared_memory::Region info;      ///< The storage information.
    shared_memory::Region data;      ///< The client's data region (the buffers).
};

/// The regions the setvars describe (valid once the PD runs: the Microkit tool patches them).
inline Regions regions() noexcept {
    using shared_memory::Region;
    return {.requests = Region::at_address(requests_vaddr.get(), requests_size.get()),
            .responses = Region::at_address(responses_vaddr.get(), responses_size.get()),
            .info = Region::at_address(info_vaddr.get(), info_size.get()),
            .data = Region::at_address(data_vaddr.get(), data_size.get())};
}

} // namespace sel4::drivers::blk
