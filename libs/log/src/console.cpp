// The log on seL4: the kernel's debug console (seL4_DebugPutChar, a character per system
// call, the whole line under the log's line lock), and seL4's yield for the lock.
#include <sel4/syscalls.hpp>

#include "platform.hpp"

namespace sel4::log::platform {

void console_write(void *, Level, std::string_view line) noexcept {
    for (char c : line)
        sys::debug_put_char(c);
    sys::debug_put_char('\n');
}

void yield() noexcept { sys::yield(); }

} // namespace sel4::log::platform
