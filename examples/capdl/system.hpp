// The example system's layout, shared by its generator (generator/main.cpp, on the host) and
// its two protection domains (client.cpp, server.cpp): the slots of their CSpaces and where
// their VSpaces map the frame they share.
#pragma once

#include <cstdint>

namespace capdl_example {

inline constexpr std::uint64_t slot_tcb = 1;      // each PD's own TCB
inline constexpr std::uint64_t slot_endpoint = 2; // the endpoint between them
inline constexpr std::uint64_t slot_reply = 3;    // the server's reply object (MCS kernels)
inline constexpr std::uint64_t shared = 0x2000'0000; // the shared frame, in both VSpaces
inline constexpr std::uint64_t shared_size = 4096;
inline constexpr std::uint64_t client_badge = 0xc1;

} // namespace capdl_example
