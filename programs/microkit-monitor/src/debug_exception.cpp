// A kernel with the hardware debug API (HARDWARE_DEBUG_API, as the aarch64 and x86_64 Microkit
// worlds' kernels): it reports breakpoints, single steps and software break requests (BRK,
// INT3) as a DebugException, which the bindings' decoding leaves Unknown.
#include "fault_report.hpp"

#include "output.hpp"

namespace monitor {

namespace {
std::string_view reason_name(sel4::Word reason) noexcept {
    switch (reason) {
    case sel4::gen::DataBreakpoint: return "data breakpoint (watchpoint)";
    case sel4::gen::InstructionBreakpoint: return "instruction breakpoint";
    case sel4::gen::SingleStep: return "single step";
    case sel4::gen::SoftwareBreakRequest: return "software break request";
    default: return "<unexpected reason>";
    }
}
} // namespace

bool print_debug_exception(sel4::Word label, std::span<const sel4::Word, kept_message_words> words) noexcept {
    if (label != static_cast<sel4::Word>(sel4::gen::seL4_Fault::Tag::DebugException))
        return false;
    static_assert(sel4::gen::DebugException_Length <= kept_message_words);
    const sel4::Word reason = words[sel4::gen::DebugException_ExceptionReason];
    error("DebugException: ip={}  reason={} ({})", hex64(words[sel4::gen::DebugException_FaultIP]),
          hex32(reason), reason_name(reason));
    // The address and the breakpoint's number come with the breakpoints only.
    if (reason == sel4::gen::DataBreakpoint || reason == sel4::gen::InstructionBreakpoint)
        error("  trigger_address={}  breakpoint_number={}", hex64(words[sel4::gen::DebugException_TriggerAddress]),
              words[sel4::gen::DebugException_BreakpointNumber]);
    return true;
}

} // namespace monitor
