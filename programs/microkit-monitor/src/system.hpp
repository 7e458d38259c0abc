// What the monitor knows of the system it serves: the CSpace layout and the symbols that
// sel4-microkit writes into its ELF (main.cpp has the whole contract). Every limit and slot
// is named here, once.
#pragma once

#include <sel4/sel4.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace monitor {

inline constexpr std::size_t max_pds = 63;     // protection domains (and VMs): Microkit's limit of 63
inline constexpr std::size_t max_vms = 63;
inline constexpr std::size_t name_length = 64; // each name's bytes, NUL-terminated unless it fills them

/// The monitor's CNode (2^9 slots, guarded to resolve whole CPtrs: a slot's CPtr is its index).
namespace slot {
inline constexpr sel4::CPtr endpoint = 1;             // receives every root PD's faults and the passive requests
inline constexpr sel4::CPtr reply = 2;                // the reply object its receives bind
inline constexpr sel4::CPtr own_tcb = 3;
inline constexpr sel4::CPtr pd_tcb = 10;              // + PD index
inline constexpr sel4::CPtr vm_tcb = 74;              // + VM index (its vCPU's thread)
inline constexpr sel4::CPtr pd_sched_context = 138;   // + PD index, passive PDs only
inline constexpr sel4::CPtr pd_notification = 202;    // + PD index, passive PDs only
} // namespace slot

/// The seL4 page below a PD's stack is unmapped: a fault there is most likely the stack's overflow.
inline constexpr sel4::Word stack_guard_bytes = 0x1000;

/// A PD's badge on the monitor's endpoint is its index + 1 (0 is no badge).
constexpr std::size_t pd_index_of(sel4::Word badge) noexcept { return badge - 1; }

/// The number of PDs the tool described (pd_names_len), no more than the table holds.
std::size_t pd_count() noexcept;
/// The number of VMs the tool described (vm_names_len), no more than the table holds.
std::size_t vm_count() noexcept;
/// PD `index`'s name. @pre index < max_pds.
std::string_view pd_name(std::size_t index) noexcept;
/// VM `index`'s name. @pre index < max_vms.
std::string_view vm_name(std::size_t index) noexcept;
/// The lowest address of PD `index`'s stack (0 if the tool did not say). @pre index < max_pds.
sel4::Word pd_stack_bottom(std::size_t index) noexcept;

} // namespace monitor
