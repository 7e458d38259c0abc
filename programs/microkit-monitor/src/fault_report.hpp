// The monitor's report on a PD's fault: what Microkit 2.3's monitor prints (the message, the
// PD, its registers, the decoded fault), each line a `MON|ERROR: ` one.
#pragma once

#include <sel4/sel4.hpp>

#include <array>
#include <cstddef>
#include <span>

namespace monitor {

/// The message words kept beside the decoded fault: the fields that the report reads beyond
/// the bindings' decoding (a CapFault's lookup details, a DebugException) lie within them.
inline constexpr std::size_t kept_message_words = 8;

/// A fault message, taken out of the IPC buffer before any invocation overwrites it.
struct FaultMessage {
    sel4::MessageInfo info;
    sel4::fault::Fault fault;
    std::array<sel4::Word, kept_message_words> words;
};

/// The fault message that `info` and the registers of `ipc` hold.
FaultMessage take_fault_message(sel4::MessageInfo info, const sel4::IpcBuffer &ipc) noexcept;

/// Prints the report on PD `pd`'s fault `message`, received with `badge`. @pre pd < pd_count().
void report_fault(std::size_t pd, sel4::Word badge, const FaultMessage &message) noexcept;

/// Prints a DebugException (hardware breakpoints, single steps, software break requests) if
/// the kernel has them (its hardware debug API) and `label` is its label; false otherwise.
/// In debug_exception.cpp or, for kernels without them, no_debug_exception.cpp.
bool print_debug_exception(sel4::Word label, std::span<const sel4::Word, kept_message_words> words) noexcept;

} // namespace monitor
