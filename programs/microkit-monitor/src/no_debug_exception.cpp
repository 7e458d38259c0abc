// A kernel without the hardware debug API has no DebugException.
#include "fault_report.hpp"

namespace monitor {

bool print_debug_exception(sel4::Word, std::span<const sel4::Word, kept_message_words>) noexcept { return false; }

} // namespace monitor
