/// @file
/// libs/lwip: lwIP 2.1.3 (Debian's source package; NO_SYS, raw API, static memory) and its
/// port to cpp-sel4:
/// - sel4/lwip/port.hpp: init, the clock and random hooks, timeouts, memory use;
/// - sel4/lwip/netif.hpp: Netif, an lwIP interface over sDDF network queues.
#pragma once

#include <sel4/lwip/netif.hpp>
#include <sel4/lwip/port.hpp>
